package mm7soap

import (
	"strconv"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Request is one MM7 request as a VASP sent it.
type Request struct {
	Namespace     string // the MM7 namespace of the operation (else of the header), for the answer
	Version       string // MM7Version, e.g. "6.8.0"
	TransactionID string
	Op            string // the operation element's local name: "SubmitReq", "CancelReq", ...

	Submit  *Submit  // SubmitReq
	Cancel  *Cancel  // CancelReq
	Replace *Replace // ReplaceReq

	// The content the operation's Content href names, when there is one:
	// its type (multipart/related with its start, or the single part's)
	// and its leaf parts.
	ContentType string
	Parts       []mms.Part
}

// AddressKind is how an MM7 address is written.
type AddressKind string

// Address kinds.
const (
	Number         AddressKind = "Number"
	ShortCode      AddressKind = "ShortCode"
	RFC2822Address AddressKind = "RFC2822Address"
)

// Address is one address of a request.
type Address struct {
	Kind        AddressKind
	Value       string
	DisplayOnly bool // shown to recipients, not delivered to
}

// Time is an absolute or relative time: ExpiryDate, EarliestDeliveryTime.
type Time struct {
	At    time.Time
	After time.Duration
}

// From is t relative to now: when it is, or zero when t is not set.
func (t Time) From(now time.Time) time.Time {
	if t.After > 0 {
		return now.Add(t.After)
	}
	return t.At
}

// Submit is a SubmitReq.
type Submit struct {
	VASPID, VASID         string
	Sender                *Address
	To, Cc, Bcc           []Address
	ServiceCode, LinkedID string
	MessageClass          string
	TimeStamp             time.Time
	EarliestDelivery      Time
	Expiry                Time
	DeliveryReport        bool
	ReadReply             bool
	Priority              string
	Subject               string
	ChargedParty          string
	DistributionIndicator *bool
	AllowAdaptations      *bool
}

// Cancel is a CancelReq.
type Cancel struct {
	MessageID string
}

// Replace is a ReplaceReq: new content (in Request.Parts) for a message.
type Replace struct {
	MessageID        string
	ServiceCode      string
	ReadReply        *bool
	EarliestDelivery Time
}

// Read reads one MM7 request: body with the HTTP Content-Type contentType.
// Its errors are *Error with the status to answer with: 4004 for what is
// not valid MM7, 4003 for an operation this MMSC does not take, 4002 for a
// version outside 5.x–6.x, 2007 for content that cannot be read.
func Read(contentType string, body []byte) (*Request, error) {
	soap, content, err := splitRequest(contentType, body)
	if err != nil {
		return nil, err
	}
	env, err := parseXML(soap)
	if err != nil {
		return nil, Errorf(ValidationError, "the SOAP part is not well-formed XML: %v", err)
	}
	if env.local != "Envelope" {
		return nil, Errorf(ValidationError, "the XML is a %s, not a SOAP Envelope", env.local)
	}
	op := env.child("Body").first()
	if op == nil {
		return nil, Errorf(ValidationError, "the SOAP Body holds no operation")
	}
	r := &Request{Op: op.local, Namespace: op.space, Version: op.value("MM7Version")}
	if tid := env.child("Header").child("TransactionID"); tid != nil {
		r.TransactionID = tid.text
		if r.Namespace == "" {
			r.Namespace = tid.space
		}
	}
	if r.TransactionID == "" {
		return r, Errorf(ValidationError, "the SOAP Header has no TransactionID")
	}
	if err := checkVersion(r.Version); err != nil {
		return r, err
	}
	switch op.local {
	case "SubmitReq":
		r.Submit, err = readSubmit(op)
	case "CancelReq":
		r.Cancel = &Cancel{MessageID: op.value("MessageID")}
		if r.Cancel.MessageID == "" {
			err = Errorf(ValidationError, "CancelReq: MessageID is missing")
		}
	case "ReplaceReq":
		r.Replace, err = readReplace(op)
	default:
		return r, Errorf(UnsupportedOperation, "%s is not an operation a VASP sends to an MMSC", op.local)
	}
	if err != nil {
		return r, err
	}
	if href := op.child("Content").attr("href"); href != "" {
		if r.ContentType, r.Parts, err = readContent(content, href); err != nil {
			return r, err
		}
	} else if op.local == "SubmitReq" || op.local == "ReplaceReq" {
		return r, Errorf(ValidationError, "%s: Content is missing", op.local)
	}
	return r, nil
}

// checkVersion takes MM7Version 5.1.0 to 6.x.
func checkVersion(v string) error {
	if v == "" {
		return Errorf(ValidationError, "MM7Version is missing")
	}
	major, rest, _ := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	m, err1 := strconv.Atoi(major)
	n, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || m < 5 || m > 6 || m == 5 && n < 1 {
		return Errorf(UnsupportedVersion, "MM7Version %q: this MMSC takes 5.1.0 to 6.x", v)
	}
	return nil
}

func readSubmit(op *node) (*Submit, error) {
	s := &Submit{ServiceCode: op.value("ServiceCode"), LinkedID: op.value("LinkedID"),
		MessageClass: op.value("MessageClass"), Priority: op.value("Priority"), Subject: op.value("Subject"),
		ChargedParty: op.value("ChargedParty")}
	if id := op.child("SenderIdentification"); id != nil {
		s.VASPID, s.VASID = id.value("VASPID"), id.value("VASID")
		if sa := id.child("SenderAddress"); sa != nil {
			a := address(sa)
			s.Sender = &a
		}
	}
	rc := op.child("Recipients")
	if rc == nil {
		return nil, Errorf(ValidationError, "SubmitReq: Recipients is missing")
	}
	for _, field := range rc.kids {
		var dst *[]Address
		switch field.local {
		case "To":
			dst = &s.To
		case "Cc":
			dst = &s.Cc
		case "Bcc":
			dst = &s.Bcc
		default:
			continue
		}
		*dst = append(*dst, addresses(field)...)
	}
	if len(s.To)+len(s.Cc)+len(s.Bcc) == 0 {
		return nil, Errorf(ValidationError, "SubmitReq: Recipients holds no address")
	}
	var err error
	if s.TimeStamp, err = dateTime(op.value("TimeStamp")); err != nil {
		return nil, Errorf(ValidationError, "SubmitReq: TimeStamp: %v", err)
	}
	if s.EarliestDelivery, err = timeValue(op.value("EarliestDeliveryTime")); err != nil {
		return nil, Errorf(ValidationError, "SubmitReq: EarliestDeliveryTime: %v", err)
	}
	if s.Expiry, err = timeValue(op.value("ExpiryDate")); err != nil {
		return nil, Errorf(ValidationError, "SubmitReq: ExpiryDate: %v", err)
	}
	if s.DeliveryReport, err = boolean(op.value("DeliveryReport")); err != nil {
		return nil, Errorf(ValidationError, "SubmitReq: DeliveryReport: %v", err)
	}
	if s.ReadReply, err = boolean(op.value("ReadReply")); err != nil {
		return nil, Errorf(ValidationError, "SubmitReq: ReadReply: %v", err)
	}
	if v := op.value("DistributionIndicator"); v != "" {
		b, err := boolean(v)
		if err != nil {
			return nil, Errorf(ValidationError, "SubmitReq: DistributionIndicator: %v", err)
		}
		s.DistributionIndicator = &b
	}
	if v := op.child("Content").attr("allowAdaptations"); v != "" {
		b, err := boolean(v)
		if err != nil {
			return nil, Errorf(ValidationError, "SubmitReq: allowAdaptations: %v", err)
		}
		s.AllowAdaptations = &b
	}
	return s, nil
}

func readReplace(op *node) (*Replace, error) {
	r := &Replace{MessageID: op.value("MessageID"), ServiceCode: op.value("ServiceCode")}
	if r.MessageID == "" {
		return nil, Errorf(ValidationError, "ReplaceReq: MessageID is missing")
	}
	if v := op.value("ReadReply"); v != "" {
		b, err := boolean(v)
		if err != nil {
			return nil, Errorf(ValidationError, "ReplaceReq: ReadReply: %v", err)
		}
		r.ReadReply = &b
	}
	var err error
	if r.EarliestDelivery, err = timeValue(op.value("EarliestDeliveryTime")); err != nil {
		return nil, Errorf(ValidationError, "ReplaceReq: EarliestDeliveryTime: %v", err)
	}
	return r, nil
}

// addresses are the addresses an element (To, Cc, Bcc) holds: typed
// children, or, in the 5.2.0 form, its own text.
func addresses(n *node) []Address {
	var l []Address
	for _, k := range n.kids {
		if a, ok := typedAddress(k); ok {
			l = append(l, a)
		}
	}
	if len(l) == 0 && n.text != "" {
		l = append(l, bareAddress(n.text))
	}
	return l
}

// address is the one address an element (SenderAddress, Sender) holds.
func address(n *node) Address {
	if l := addresses(n); len(l) > 0 {
		return l[0]
	}
	return Address{}
}

func typedAddress(n *node) (Address, bool) {
	switch k := AddressKind(n.local); k {
	case Number, ShortCode, RFC2822Address:
		return Address{Kind: k, Value: n.text, DisplayOnly: n.attr("displayOnly") == "true"}, true
	}
	return Address{}, false
}

func bareAddress(s string) Address {
	if strings.Contains(s, "@") {
		return Address{Kind: RFC2822Address, Value: s}
	}
	return Address{Kind: Number, Value: s}
}

// dateTime reads an xs:dateTime; "" is the zero time.
func dateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errorString("not an xs:dateTime: " + strconv.Quote(s))
}

// timeValue reads an xs:dateTime or an xs:duration (P1D, PT2H30M).
func timeValue(s string) (Time, error) {
	if s == "" {
		return Time{}, nil
	}
	if strings.HasPrefix(s, "P") || strings.HasPrefix(s, "+P") {
		d, err := duration(strings.TrimPrefix(s, "+"))
		return Time{After: d}, err
	}
	t, err := dateTime(s)
	return Time{At: t}, err
}

// duration reads an xs:duration without years or months that are not
// whole days' worth: PnDTnHnMnS, with PnW, PnY (365 days) and PnM (30
// days) as MMSCs commonly read them.
func duration(s string) (time.Duration, error) {
	bad := errorString("not an xs:duration: " + strconv.Quote(s))
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return 0, bad
	}
	var d time.Duration
	inTime, read := false, 0
	for rest != "" {
		if rest[0] == 'T' {
			inTime, rest = true, rest[1:]
			continue
		}
		i := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return 0, bad
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil || n > 1e6 {
			return 0, bad
		}
		unit := map[bool]map[byte]time.Duration{
			false: {'Y': 365 * 24 * time.Hour, 'M': 30 * 24 * time.Hour, 'W': 7 * 24 * time.Hour, 'D': 24 * time.Hour},
			true:  {'H': time.Hour, 'M': time.Minute, 'S': time.Second},
		}[inTime][rest[i]]
		if unit == 0 {
			return 0, bad
		}
		d += time.Duration(n * float64(unit))
		rest = rest[i+1:]
		read++
	}
	if read == 0 {
		return 0, bad
	}
	return d, nil
}

// boolean reads an xs:boolean; "" is false.
func boolean(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, errorString("not a boolean: " + strconv.Quote(s))
}

type errorString string

func (e errorString) Error() string { return string(e) }

// splitRequest finds the SOAP XML and the rest of the body: a text/xml
// body is all SOAP; a multipart/related has the SOAP part that start names,
// else the first, and content parts beside it.
func splitRequest(contentType string, body []byte) (soap []byte, content []mimebody.Entity, err error) {
	h, err := mimebody.ReadHeader([]byte("Content-Type: " + contentType + "\r\n\r\n"))
	if err != nil {
		return nil, nil, Errorf(ValidationError, "Content-Type %q cannot be read", contentType)
	}
	typ, params := mimebody.MediaType(contentType)
	if !strings.HasPrefix(typ, "multipart/") {
		if typ != "text/xml" && typ != "application/soap+xml" && typ != "application/xml" {
			return nil, nil, Errorf(ValidationError, "Content-Type %s: want text/xml or multipart/related", typ)
		}
		return body, nil, nil
	}
	parts, err := mimebody.Children(h, body)
	if err != nil {
		return nil, nil, Errorf(ValidationError, "the multipart cannot be read: %v", err)
	}
	if len(parts) == 0 {
		return nil, nil, Errorf(ValidationError, "the multipart has no parts")
	}
	root := 0
	if start := mimebody.BareID(params["start"]); start != "" {
		root = -1
		for i, p := range parts {
			if mimebody.BareID(p.Header.Get("Content-ID")) == start {
				root = i
			}
		}
		if root < 0 {
			return nil, nil, Errorf(ValidationError, "no part has the Content-ID start names, <%s>", start)
		}
	}
	_, leaves, err := mimebody.Decode(parts[root].Header, parts[root].Body)
	if err != nil || len(leaves) != 1 {
		return nil, nil, Errorf(ValidationError, "the SOAP part cannot be read: %v", err)
	}
	rest := append(parts[:root:root], parts[root+1:]...)
	return leaves[0].Data, rest, nil
}

// readContent reads the part href names among content: by Content-ID
// (cid:, angle brackets or not), else by Content-Location.
func readContent(content []mimebody.Entity, href string) (string, []mms.Part, error) {
	want := mimebody.BareID(strings.TrimPrefix(strings.TrimSpace(href), "cid:"))
	for _, by := range []string{"Content-ID", "Content-Location"} {
		for _, p := range content {
			if mimebody.BareID(p.Header.Get(by)) != want {
				continue
			}
			ct, parts, err := mimebody.Decode(p.Header, p.Body)
			if err != nil {
				return "", nil, Errorf(MessageFormatCorrupt, "the content cannot be read: %v", err)
			}
			return ct, parts, nil
		}
	}
	return "", nil, Errorf(ValidationError, "Content href %q names no part of the request", href)
}
