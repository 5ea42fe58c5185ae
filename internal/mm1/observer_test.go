package mm1_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
)

// refusals records what an Observer is told.
type refusals struct {
	mu  sync.Mutex
	got []mms.Refusal
}

func (r *refusals) Refused(why mms.Refusal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, why)
}

// TestSendReqRefusalsObserved: each m-send-req refused is told once, named
// by its m-send-conf's status; one accepted is told nothing.
func TestSendReqRefusalsObserved(t *testing.T) {
	obs := &refusals{}
	side := newHandsetSide(t, mm1.Config{MaxMessage: 100 << 10, Observer: obs})
	unroutable := photo("R2", 1000)
	unroutable.To = []string{"bob@example.com"}
	for _, s := range []struct {
		msisdn string
		pdu    *mmsenc.PDU
		status byte
	}{
		{"447700900123", photo("R1", 1000), mmsenc.ResponseOk},
		{"447700900123", unroutable, mmsenc.ResponseErrorPermanentAddressUnresolved},
		{"447700900123", photo("R3", 200<<10), mmsenc.ResponseErrorPermanentContentNotAccepted},
	} {
		_, answer := side.post(t, s.msisdn, encode(t, s.pdu))
		if conf, err := mmsenc.Decode(answer); err != nil || conf.ResponseStatus != s.status {
			t.Fatalf("%s: %+v %v, want status %#x", s.pdu.TransactionID, conf, err, s.status)
		}
	}
	if want := []mms.Refusal{mms.RefusedRecipient, mms.RefusedSize}; !slices.Equal(obs.got, want) {
		t.Errorf("told %v, want %v", obs.got, want)
	}
}
