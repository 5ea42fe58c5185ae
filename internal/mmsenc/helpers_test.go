package mmsenc

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The worked examples of mms-encoding.md §13: a message from +447700900123
// to +447700900456, dated 2007-05-08 09:18:32Z.
var (
	exampleDate = time.Date(2007, 5, 8, 9, 18, 32, 0, time.UTC)
	sender      = "+447700900123/TYPE=PLMN"
	recipient   = "+447700900456/TYPE=PLMN"
	exampleSMIL = `<smil><body><par dur="5000ms"><text src="text.txt"/></par></body></smil>`
	exampleText = "Science news, new Saturn pictures..."
)

func ptr[T any](v T) *T { return &v }

// readHex reads a testdata file of hex digits; lines starting with # are
// comments.
func readHex(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var digits strings.Builder
	for line := range strings.Lines(string(raw)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		digits.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(digits.String())
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exampleNotification() *PDU {
	return &PDU{
		Type:            NotificationInd,
		TransactionID:   "T0001",
		Version:         Version12,
		From:            sender,
		Subject:         "News for today",
		MessageClass:    "Personal",
		MessageSize:     7000,
		ExpiryRelative:  72 * time.Hour,
		ContentLocation: "http://mmsc.example.com/m/abc123",
	}
}

func exampleParts() []Part {
	return []Part{
		{ContentType: "application/smil", ContentLocation: "smil.smil", ContentID: "<smil>", Data: []byte(exampleSMIL)},
		{ContentType: "text/plain; charset=utf-8", ContentLocation: "text.txt", ContentID: "<text>", Data: []byte(exampleText)},
	}
}

const exampleRelated = `application/vnd.wap.multipart.related; start="<smil>"; type="application/smil"`

func exampleRetrieveConf() *PDU {
	return &PDU{
		Type:          RetrieveConf,
		TransactionID: "T0001",
		Version:       Version12,
		MessageID:     "148478240@mmsc.hub",
		Date:          exampleDate,
		From:          sender,
		To:            []string{recipient},
		Subject:       "News for today",
		MessageClass:  "Personal",
		Priority:      "Normal",
		ContentType:   exampleRelated,
		Parts:         exampleParts(),
	}
}

func exampleSendReq() *PDU {
	return &PDU{
		Type:           SendReq,
		TransactionID:  "S1",
		Version:        Version12,
		FromInsert:     true,
		To:             []string{recipient, "bob@example.com"},
		Subject:        "Hi",
		Expiry:         exampleDate.Add(24 * time.Hour),
		DeliveryReport: ptr(true),
		ReadReport:     ptr(true),
		ContentType:    exampleRelated,
		Parts:          exampleParts(),
	}
}

// normalized gives what Decode(Encode(p)) must equal: the defaults Encode
// fills in, and empty rather than nil part data (Decode slices its input).
func normalized(p *PDU) *PDU {
	q := *p
	if q.Version == 0 {
		q.Version = DefaultVersion
	}
	if q.Type == NotificationInd && q.MessageClass == "" {
		q.MessageClass = "Personal"
	}
	q.Parts = append([]Part(nil), p.Parts...)
	for i := range q.Parts {
		if q.Parts[i].Data == nil {
			q.Parts[i].Data = []byte{}
		}
	}
	q.Unknown = append([]Header(nil), p.Unknown...)
	for i := range q.Unknown {
		if q.Unknown[i].Value == nil {
			q.Unknown[i].Value = []byte{}
		}
	}
	if len(q.Unknown) == 0 {
		q.Unknown = nil
	}
	if len(q.Parts) == 0 {
		q.Parts = nil
	}
	return &q
}

func samePDU(t testing.TB, got, want *PDU) {
	t.Helper()
	g, w := normalized(got), normalized(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("PDU differs:\n got %s\nwant %s", dump(g), dump(w))
	}
}

// dump prints a PDU with the pointer fields dereferenced, so that a diff is
// readable.
func dump(p *PDU) string {
	q := *p
	yn := func(v *bool) string {
		if v == nil {
			return "nil"
		}
		return strconv.FormatBool(*v)
	}
	ra, dr, rr := yn(q.ReportAllowed), yn(q.DeliveryReport), yn(q.ReadReport)
	q.ReportAllowed, q.DeliveryReport, q.ReadReport = nil, nil, nil
	return fmt.Sprintf("%+v ReportAllowed=%s DeliveryReport=%s ReadReport=%s", q, ra, dr, rr)
}
