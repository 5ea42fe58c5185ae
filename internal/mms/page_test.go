package mms

import "testing"

func TestPageURL(t *testing.T) {
	for _, tt := range [][3]string{
		{"http://mmsc.example.net:8080", "abc_-D", "http://mmsc.example.net:8080/w/abc_-D"},
		{"https://mmsc.example.net/mmsc/", "abc", "https://mmsc.example.net/mmsc/w/abc"},
	} {
		if got := PageURL(tt[0], tt[1]); got != tt[2] {
			t.Errorf("PageURL(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}
