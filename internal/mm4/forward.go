package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Forward is what BuildForward needs besides the message itself: the
// fields that belong to this hop rather than to the MM. Addresses come
// already rewritten for the peer.
type Forward struct {
	From   string   // header From, e.g. "+447700900123/TYPE=PLMN@mms.example.net"
	To, Cc []string // as the peer should see them; at least one recipient in all

	TransactionID string // ours for this hop; the peer's RES echoes it
	MessageID     string // X-Mms-Message-ID, end to end

	// OriginatorSystem is where the RES and the reports go; it is also
	// written as Sender (mm4.md §4.1: "send it always").
	OriginatorSystem string

	AckRequest, DeliveryReport, ReadReply bool

	ForwardCounter int       // X-Mms-Forward-Counter; 0 = omit
	Date           time.Time // zero = now
}

// BuildForward writes an MM4_forward.REQ carrying m to a peer MMSC, in the
// form of mm4.md §12.1: m's subject, class, priority, expiry (as a date,
// §5) and sender visibility, f's addresses, IDs and requests, and a body
// rebuilt from m.Parts. The body is multipart/related, with its start and
// type, when m's was; any other MM goes as multipart/mixed, since Parse
// has flattened whatever tree it came in and a single part must be wrapped
// for MM1 anyway (§10.1). Parse gives back the same parts byte for byte.
func BuildForward(m *mms.Message, f Forward) ([]byte, error) {
	if m == nil {
		return nil, errors.New("build MM4_forward.REQ: no message")
	}
	class, priority, err := f.check(m)
	if err != nil {
		return nil, fmt.Errorf("build MM4_forward.REQ: %w", err)
	}
	parts, err := forwardParts(m.Parts)
	if err != nil {
		return nil, fmt.Errorf("build MM4_forward.REQ: %w", err)
	}
	date := orNow(f.Date)
	boundary := newBoundary()

	var b bytes.Buffer
	field := func(k, v string) { writeField(&b, k, v) }
	field("From", f.From)
	if len(f.To) > 0 {
		field("To", strings.Join(f.To, ", "))
	}
	if len(f.Cc) > 0 {
		field("Cc", strings.Join(f.Cc, ", "))
	}
	field("Sender", f.OriginatorSystem)
	field("Date", date.Format(dateLayout))
	field("Message-ID", newMailID(date, domainOf(f.OriginatorSystem)))
	if m.Subject != "" {
		field("Subject", encodeText(m.Subject, len("Subject: ")))
	}
	field("MIME-Version", "1.0")
	field("X-Mms-3GPP-MMS-Version", buildVersion)
	field("X-Mms-Message-Type", TypeForwardReq)
	writeID(&b, "X-Mms-Transaction-ID", f.TransactionID)
	writeID(&b, "X-Mms-Message-ID", f.MessageID)
	if class != "" {
		field("X-Mms-Message-Class", class)
	}
	if priority != "" {
		field("X-Mms-Priority", priority)
	}
	if !m.Expiry.IsZero() {
		field("X-Mms-Expiry", m.Expiry.Format(dateLayout))
	}
	yesField := func(k string, on bool) {
		if on {
			field(k, "Yes")
		}
	}
	yesField("X-Mms-Delivery-Report", f.DeliveryReport)
	yesField("X-Mms-Read-Reply", f.ReadReply)
	yesField("X-Mms-Ack-Request", f.AckRequest)
	field("X-Mms-Originator-System", f.OriginatorSystem)
	if f.ForwardCounter > 0 {
		field("X-Mms-Forward-Counter", strconv.Itoa(f.ForwardCounter))
	}
	if m.SenderHidden {
		field("X-Mms-Sender-Visibility", "Hide")
	}
	field("Content-Type", bodyType(m.ContentType)+`; boundary="`+boundary+`"`)
	b.WriteString("\r\n")

	writeParts(&b, boundary, parts)
	return b.Bytes(), nil
}

// check validates f and what BuildForward takes from m, and returns m's
// class and priority in canonical spelling.
func (f Forward) check(m *mms.Message) (class, priority string, err error) {
	if len(f.To)+len(f.Cc) == 0 {
		return "", "", errors.New("no recipient in To or Cc")
	}
	if f.ForwardCounter < 0 {
		return "", "", fmt.Errorf("ForwardCounter %d is negative", f.ForwardCounter)
	}
	for i, a := range f.To {
		if err := checkAddress(fmt.Sprintf("To %d", i+1), a); err != nil {
			return "", "", err
		}
	}
	for i, a := range f.Cc {
		if err := checkAddress(fmt.Sprintf("Cc %d", i+1), a); err != nil {
			return "", "", err
		}
	}
	if class = canonicalToken(m.MessageClass, "Personal", "Advertisement", "Informational", "Auto"); class == "" && m.MessageClass != "" {
		return "", "", fmt.Errorf("MessageClass %s is not Personal, Advertisement, Informational or Auto", mimebody.Quote(m.MessageClass))
	}
	if priority = canonicalToken(m.Priority, "Low", "Normal", "High"); priority == "" && m.Priority != "" {
		return "", "", fmt.Errorf("Priority %s is not Low, Normal or High", mimebody.Quote(m.Priority))
	}
	if !utf8.ValidString(m.Subject) {
		return "", "", errors.New("Subject is not valid UTF-8")
	}
	return class, priority, firstError(
		checkAddress("From", f.From),
		checkID("TransactionID", f.TransactionID),
		checkID("MessageID", f.MessageID),
		checkAddress("OriginatorSystem", f.OriginatorSystem),
		checkDate("Date", f.Date),
		checkDate("Expiry", m.Expiry),
	)
}

// bodyType is the Content-Type of the rebuilt body, without its boundary:
// related keeps the type and start that say which part is the
// presentation (mm4.md §10.1), in the order of §12.1; anything else is
// mixed. The WAP names an MM1 message carries become multipart/*.
func bodyType(contentType string) string {
	typ, params := readMediaType(contentType)
	if typ != "multipart/related" {
		return "multipart/mixed"
	}
	s := typ
	for _, k := range []string{"type", "start"} {
		if v, ok := params[k]; ok {
			s += formatParam(k, v)
		}
	}
	return s
}

// readMediaType reads a media type given by the caller the way Parse reads
// a peer's, except that parameter values are taken as they are when the
// strict parser accepts them all.
func readMediaType(v string) (string, map[string]string) {
	typ, params := mimebody.MediaType(v)
	if _, given, err := mime.ParseMediaType(v); err == nil {
		params = given
	}
	return typ, params
}

// forwardParts turns m's parts into parts to write, refusing what cannot
// be one body part of a multipart.
func forwardParts(in []mms.Part) ([]outPart, error) {
	if len(in) == 0 {
		return nil, errors.New("message has no parts")
	}
	out := make([]outPart, len(in))
	for i, p := range in {
		op, err := forwardPart(p)
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i+1, err)
		}
		out[i] = op
	}
	return out, nil
}

// forwardPart writes one part so that Parse reads back its content type,
// name, Content-Location, Content-ID and data unchanged.
func forwardPart(p mms.Part) (outPart, error) {
	ct := p.ContentType
	if strings.TrimSpace(ct) == "" {
		// Bytes of unknown kind; text/plain, RFC 2045's default, would
		// invite a charset conversion.
		ct = "application/octet-stream"
	}
	typ, params := readMediaType(ct)
	switch {
	case !mimebody.IsMediaType(typ):
		return outPart{}, fmt.Errorf("content type %s is not type/subtype", mimebody.Quote(ct))
	case strings.HasPrefix(typ, "multipart/"):
		return outPart{}, fmt.Errorf("a %s cannot be one part", typ)
	}
	for k := range params {
		if strings.Contains(k, "*") {
			// RFC 2231 readers take "k*0" or "k*" for part of a
			// parameter named k; such a name is a continuation the
			// sender botched, and would not come back as itself.
			delete(params, k)
		}
	}
	if strings.HasPrefix(typ, "text/") && params["charset"] == "" && utf8.Valid(p.Data) {
		params["charset"] = "utf-8" // as Parse labels such text
	}
	id := mimebody.ContentID(p.ContentID)
	if !printableASCII(id, true) || len(id) > maxWordLen {
		return outPart{}, fmt.Errorf("Content-ID %s: want up to %d printable ASCII characters", mimebody.Quote(p.ContentID), maxWordLen)
	}
	if !utf8.ValidString(p.ContentLocation) || !utf8.ValidString(p.Name) {
		return outPart{}, errors.New("Content-Location or name is not valid UTF-8")
	}
	contentType := formatMediaTypeFolding(typ, params)
	var disposition string
	if p.Name != "" && p.Name != params["name"] {
		// Parse takes the name from here before the name parameter. Inline:
		// an MM's parts are there to be presented, not saved.
		disposition = "inline" + formatParam("filename", p.Name)
	}
	return outPart{
		contentType: contentType,
		id:          id,
		location:    p.ContentLocation,
		disposition: disposition,
		encoding:    chooseEncoding(contentType, p.Data),
		data:        p.Data,
	}, nil
}
