package main

import "testing"

func TestListenerCaps(t *testing.T) {
	tests := []struct {
		name               string
		limit              uint64
		smtp, http         int
		wantSMTP, wantHTTP int
		wantFit            bool
	}{
		{"unknown limit", 0, 1000, 1000, 1000, 1000, true},
		{"room to spare", 20000, 1000, 1000, 1000, 1000, true},
		{"a tenth is kept back above 2,560", 3000, 2000, 2000, 1350, 1350, false},
		{"1024: 256 kept back, the rest shared in proportion", 1024, 1000, 1000, 384, 384, false},
		{"proportion follows the configuration", 1024, 300, 900, 192, 576, false},
		{"no room at all", 200, 1000, 1000, 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, h, fit := listenerCaps(tt.limit, tt.smtp, tt.http)
			if s != tt.wantSMTP || h != tt.wantHTTP || fit != tt.wantFit {
				t.Errorf("listenerCaps(%d, %d, %d) = %d, %d, %v; want %d, %d, %v", tt.limit, tt.smtp, tt.http, s, h, fit, tt.wantSMTP, tt.wantHTTP, tt.wantFit)
			}
			if reserve := max(descriptorReserve, tt.limit/10); tt.limit > reserve && uint64(s+h) > tt.limit-reserve {
				t.Errorf("%d + %d connections leave fewer than the reserve of a %d limit", s, h, tt.limit)
			}
		})
	}
}
