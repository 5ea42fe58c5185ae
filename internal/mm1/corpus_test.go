package mm1_test

import (
	"bytes"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/mmsenc"
	"github.com/mmsc-project/mmsc/internal/store/storetest"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/sendreq from corpusPDUs")

// The m-send-reqs of the corpus are written header by header, in forms our
// encoder never writes but phones do; the body (Content-Type onwards) is
// our encoder's, cut from an m-send-req whose other headers are known.
const corpusTo = "+447700900456/TYPE=PLMN"

func corpusBody(t *testing.T) []byte {
	t.Helper()
	p := photo("C0", 2000)
	p.DeliveryReport, p.ReadReport, p.Subject = nil, nil, ""
	b := encode(t, p)
	// 8C 80 | 98 "C0" 00 | 8D 92 | 89 01 81 | 97 19 EA <To> 00 | Content-Type...
	prefix := 2 + 4 + 2 + 3 + 3 + len(corpusTo) + 1
	if !bytes.HasPrefix(b[prefix-len(corpusTo)-1:], []byte(corpusTo+"\x00")) || b[prefix] != 0x84 {
		t.Fatalf("the encoder's layout changed: % x", b[:prefix+1])
	}
	return b[prefix:]
}

func text(s string) []byte { return append([]byte(s), 0) }

// encoded is an Encoded-string-value with a charset: Value-length, the
// charset as a Short-integer, the text.
func encoded(charset byte, s []byte) []byte {
	v := append([]byte{charset}, append(s, 0)...)
	return append([]byte{byte(len(v))}, v...)
}

func header(field byte, value ...[]byte) []byte {
	return append([]byte{field}, bytes.Join(value, nil)...)
}

// corpusPDUs are the corpus by file name.
func corpusPDUs(t *testing.T) map[string][]byte {
	body := corpusBody(t)
	start := func(version byte, tid string) []byte {
		return bytes.Join([][]byte{{0x8c, 0x80}, header(0x98, text(tid)), {0x8d, version}}, nil)
	}
	insert := []byte{0x89, 0x01, 0x81}
	address := func(s string) []byte { // From as an address, not an insert-address token
		v := append([]byte{0x80}, text(s)...)
		return append([]byte{0x89, byte(len(v))}, v...)
	}
	build := func(parts ...[]byte) []byte { return append(bytes.Join(parts, nil), body...) }
	return map[string][]byte{
		// MMS 1.0, To as a plain Text-string without a charset.
		"v10-plain-to.mms": build(start(0x90, "C1"), insert, header(0x97, text(corpusTo))),
		// MMS 1.1, From as the phone's own address (replaced by the gateway's).
		"v11-from-address.mms": build(start(0x91, "C2"), address("+447700900999/TYPE=PLMN"),
			header(0x97, encoded(0xea, []byte(corpusTo)))),
		// MMS 1.3, headers in another order than ours: Subject, Date and
		// Class before To and From.
		"v13-reordered.mms": build(start(0x93, "C3"), header(0x96, encoded(0xea, []byte("Reordered"))),
			header(0x85, []byte{0x04, 0x46, 0x40, 0x40, 0x68}), header(0x8a, []byte{0x80}),
			header(0x97, encoded(0xea, []byte(corpusTo))), insert),
		// A subject in ISO-8859-1 (MIBenum 4): "Grüße" as Latin-1 octets.
		"latin1-subject.mms": build(start(0x92, "C4"), insert, header(0x97, encoded(0xea, []byte(corpusTo))),
			header(0x96, encoded(0x84, []byte("Gr\xfc\xdfe")))),
		// To, Cc and Bcc, a bare number among them.
		"to-cc-bcc.mms": build(start(0x92, "C5"), insert, header(0x97, encoded(0xea, []byte(corpusTo))),
			header(0x82, encoded(0xea, []byte("447700900457"))), header(0x81, encoded(0xea, []byte("+447700900458/TYPE=PLMN")))),
	}
}

// TestSendReqCorpus: every m-send-req of testdata/sendreq, as phones write
// them, is taken: Ok, the sender the gateway's, the subject in UTF-8, the
// parts as sent.
func TestSendReqCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "sendreq")
	if *updateCorpus {
		for name, b := range corpusPDUs(t) {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]struct {
		subject    string
		recipients int
	}{
		"v10-plain-to.mms": {"", 1}, "v11-from-address.mms": {"", 1}, "v13-reordered.mms": {"Reordered", 1},
		"latin1-subject.mms": {"Grüße", 1}, "to-cc-bcc.mms": {"", 3},
	}
	side := newHandsetSide(t, mm1.Config{})
	files, _ := filepath.Glob(filepath.Join(dir, "*.mms"))
	if len(files) != len(want) {
		t.Fatalf("%d files in %s, want %d (go test -run TestSendReqCorpus ./internal/mm1 -args -update-corpus writes them)", len(files), dir, len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code, answer := side.post(t, "447700900123", b)
		conf, err := mmsenc.Decode(answer)
		if code != http.StatusOK || err != nil || conf.ResponseStatus != mmsenc.ResponseOk {
			t.Errorf("%s: HTTP %d, %+v, %v; want Ok", name, code, conf, err)
			continue
		}
		m, err := side.st.Deliverable(t.Context(), mms.MessageID(conf.MessageID))
		if err != nil {
			t.Fatal(err)
		}
		w := want[name]
		if m.From != "447700900123/TYPE=PLMN" || m.Subject != w.subject || len(m.Recipients) != w.recipients || len(m.Parts) != 3 {
			t.Errorf("%s: from %q subject %q, %d recipients, %d parts; want the gateway's number, %q, %d, 3",
				name, m.From, m.Subject, len(m.Recipients), len(m.Parts), w.subject, w.recipients)
		}
	}
}

// FuzzSubmission: whatever a handset POSTs, the MMSC answers without
// panicking: an m-send-conf or m-forward-conf with HTTP 200, or a 4xx
// for what is no PDU at all; never a 5xx.
func FuzzSubmission(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "sendreq", "*.mms"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, p := range []*mmsenc.PDU{photo("F1", 100),
		{Type: mmsenc.ForwardReq, TransactionID: "F2", FromInsert: true, To: []string{"+447700900789/TYPE=PLMN"}, ContentLocation: "http://x/mms/t"}} {
		b, err := mmsenc.Encode(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	st := storetest.SQLite(f)
	mux := http.NewServeMux()
	mm1.New(st, delivery.NewHandsets(st), mm1.Config{MSISDNHeaders: []string{"X-MSISDN"}, MaxMessage: 64 << 10,
		Accept: accept.New(st, accept.Config{RefuseUnroutable: []mms.Interface{mms.InterfaceMM1}})},
		slog.New(slog.DiscardHandler)).Register(mux, "")
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/mms", bytes.NewReader(body))
		req.RemoteAddr = "127.0.0.1:2948" // the gateway
		req.Header.Set("X-MSISDN", "447700900123")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		switch {
		case rec.Code >= 500:
			t.Fatalf("HTTP %d %q for % x", rec.Code, rec.Body.Bytes(), body)
		case rec.Code == http.StatusOK:
			conf, err := mmsenc.Decode(rec.Body.Bytes())
			if err != nil || (conf.Type != mmsenc.SendConf && conf.Type != mmsenc.ForwardConf) {
				t.Fatalf("200 with %v, %v", conf, err)
			}
		}
	})
}
