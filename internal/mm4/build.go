package mm4

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmsc-project/mmsc/internal/mms"
)

// File is one attachment of a ForwardRequest.
type File struct {
	Name        string // file name; becomes Content-Location and Content-ID
	ContentType string // "" = guessed from the extension of Name
	Data        []byte
}

// ForwardRequest is what Build turns into an MM4_forward.REQ.
type ForwardRequest struct {
	From    string
	To      []string
	Subject string
	Text    string // message text, shown with the files
	Files   []File

	TransactionID, MessageID string    // "" = generated
	Date                     time.Time // zero = now

	OriginatorSystem string // where the MM4_forward.RES goes; also sent as Sender
	AckRequest       bool
	DeliveryReport   bool
	ReadReply        bool
}

// buildVersion is the X-Mms-3GPP-MMS-Version Build sends (mm4.md §11:
// 6.3.0 unless a peer wants otherwise).
const buildVersion = "6.3.0"

// Names the presentation part always has; start="<smil>" points at it.
const (
	smilLocation = "smil.smil"
	smilID       = "smil"
	textLocation = "text.txt"
)

// Build returns an MM4_forward.REQ with CRLF line ends, in the strict form
// of mm4.md §11: canonical header spellings, quoted IDs, RFC 2047 subject,
// base64 wrapped at 76. With files the body is multipart/related with a
// generated SMIL presentation as its start; with text only it is
// multipart/mixed with one text/plain part.
func Build(r ForwardRequest) ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("build MM4_forward.REQ: %w", err)
	}
	date := r.Date
	if date.IsZero() {
		date = time.Now()
	}
	domain := idDomain(r)
	tid := r.TransactionID
	if tid == "" {
		tid = string(mms.NewMessageID(date))
	}
	mid := r.MessageID
	if mid == "" {
		mid = string(mms.NewMessageID(date)) + "@" + domain
	}
	parts, err := r.parts()
	if err != nil {
		return nil, fmt.Errorf("build MM4_forward.REQ: %w", err)
	}

	boundary := newBoundary()
	ctype := "multipart/mixed; boundary=" + boundary
	if len(r.Files) > 0 {
		// Written by hand for the order of mm4.md §12.1; FormatMediaType sorts.
		ctype = `multipart/related; type="application/smil"; start="<` + smilID + `>"; boundary=` + boundary
	}

	var b bytes.Buffer
	field := func(k, v string) { writeField(&b, k, v) }
	field("From", r.From)
	field("To", strings.Join(r.To, ", "))
	if r.Subject != "" {
		field("Subject", encodeText(r.Subject, len("Subject: ")))
	}
	field("Date", date.Format(dateLayout))
	field("Message-ID", newMailID(date, domain))
	field("MIME-Version", "1.0")
	field("X-Mms-3GPP-MMS-Version", buildVersion)
	field("X-Mms-Message-Type", canonicalType)
	field("X-Mms-Transaction-ID", `"`+tid+`"`)
	field("X-Mms-Message-ID", `"`+mid+`"`)
	if r.DeliveryReport {
		field("X-Mms-Delivery-Report", "Yes")
	}
	if r.ReadReply {
		field("X-Mms-Read-Reply", "Yes")
	}
	if r.AckRequest {
		field("X-Mms-Ack-Request", "Yes")
	}
	if r.OriginatorSystem != "" {
		field("X-Mms-Originator-System", r.OriginatorSystem)
		field("Sender", r.OriginatorSystem)
	}
	field("Content-Type", ctype)
	b.WriteString("\r\n")

	writeParts(&b, boundary, parts)
	return b.Bytes(), nil
}

// Compose lays out a message body from text and files as Build does: a
// generated SMIL presentation first (only with files) whose Content-ID is
// SMILID, then the text, then the files, each under a unique safe name
// that is its Content-Location. A handset's MMS client composes the same,
// which is what "mmsc handset send" writes into an m-send-req.
func Compose(text string, files []File) ([]mms.Part, error) {
	parts, err := ForwardRequest{Text: text, Files: files}.parts()
	if err != nil {
		return nil, fmt.Errorf("compose: %w", err)
	}
	l := make([]mms.Part, len(parts))
	for i, p := range parts {
		l[i] = mms.Part{ContentType: p.contentType, ContentID: p.id, ContentLocation: p.location, Name: p.location, Data: p.data}
	}
	return l, nil
}

// SMILID is the Content-ID of the presentation Compose and Build write,
// which a multipart/related body names as its start.
const SMILID = "<" + smilID + ">"

// parts lays out the body: the SMIL presentation (only with files), the
// text, then the files, each under a unique safe name.
func (r ForwardRequest) parts() ([]outPart, error) {
	used := map[string]bool{smilLocation: true, smilID: true}
	var (
		parts []outPart
		items []smilItem
	)
	if r.Text != "" {
		loc := uniqueName(textLocation, used)
		parts = append(parts, newPart("text/plain; charset=utf-8", loc, []byte(crlfLines(r.Text))))
		items = append(items, smilItem{src: loc, mediaType: "text/plain"})
	}
	for i, f := range r.Files {
		ctype := f.ContentType
		if ctype == "" {
			ctype = guessType(f.Name)
		}
		typ, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			return nil, fmt.Errorf("file %d %q: content type %q: %w", i+1, f.Name, ctype, err)
		}
		if strings.HasPrefix(typ, "multipart/") {
			return nil, fmt.Errorf("file %d %q: a %s cannot be attached as one part", i+1, f.Name, typ)
		}
		if typ == "application/smil" {
			return nil, fmt.Errorf("file %d %q is SMIL: Build writes the presentation itself", i+1, f.Name)
		}
		name := safeName(f.Name)
		if name == "" || strings.Trim(name, "_.") == "" {
			name = fmt.Sprintf("part%d%s", i+1, extensionFor(typ))
		}
		loc := uniqueName(name, used)
		if strings.HasPrefix(typ, "text/") && params["charset"] == "" && utf8.Valid(f.Data) {
			params["charset"] = "utf-8"
		}
		params["name"] = loc
		parts = append(parts, newPart(mime.FormatMediaType(typ, params), loc, f.Data))
		items = append(items, smilItem{src: loc, mediaType: typ})
	}
	if len(r.Files) == 0 {
		return parts, nil
	}
	smil := newPart("application/smil; charset=utf-8", smilLocation, buildSMIL(items))
	smil.id = "<" + smilID + ">"
	return append([]outPart{smil}, parts...), nil
}

func newPart(contentType, location string, data []byte) outPart {
	return outPart{
		contentType: contentType,
		id:          "<" + location + ">",
		location:    location,
		encoding:    chooseEncoding(contentType, data),
		data:        data,
	}
}

// crlfLines makes every line break of s a CRLF, the canonical form of text
// (RFC 2046 §4.1.1).
func crlfLines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// extensionFor gives a file name extension for a media type, for files
// that came without a usable name.
func extensionFor(typ string) string {
	if exts, _ := mime.ExtensionsByType(typ); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// idDomain is the right-hand side for generated IDs: the originator
// system's domain, else the sender's, so IDs are unique across MMSCs.
func idDomain(r ForwardRequest) string { return domainOf(r.OriginatorSystem, r.From) }

// Bounds that keep every header line within RFC 5322's 998 characters.
const (
	maxIDLen   = 200
	maxWordLen = 900
)

// validate refuses what would make a broken or misleading message, and any
// control character that could end a header line early.
func (r ForwardRequest) validate() error {
	if strings.TrimSpace(r.From) == "" {
		return errors.New("no From")
	}
	if len(r.To) == 0 {
		return errors.New("no To")
	}
	if r.Text == "" && len(r.Files) == 0 {
		return errors.New("neither Text nor Files: nothing to send")
	}
	if r.AckRequest && r.OriginatorSystem == "" {
		return errors.New("AckRequest needs OriginatorSystem: the MM4_forward.RES has nowhere to go")
	}
	for _, a := range append([]string{r.From, r.OriginatorSystem}, r.To...) {
		if !printableASCII(a, true) {
			return fmt.Errorf("address %q: only printable ASCII allowed", a)
		}
	}
	for _, a := range r.To {
		if strings.TrimSpace(a) == "" {
			return errors.New("empty To address")
		}
	}
	for i, f := range r.Files {
		if !printableASCII(f.ContentType, true) {
			return fmt.Errorf("file %d %q: content type must be printable ASCII", i+1, f.Name)
		}
	}
	for _, id := range [...]struct{ name, v string }{{"TransactionID", r.TransactionID}, {"MessageID", r.MessageID}} {
		if id.v != "" && (!printableASCII(id.v, false) || strings.ContainsAny(id.v, `"<>`) || len(id.v) > maxIDLen) {
			return fmt.Errorf("%s %q: want up to %d printable ASCII characters without spaces, quotes or angle brackets", id.name, id.v, maxIDLen)
		}
	}
	if !utf8.ValidString(r.Subject) || hasControl(r.Subject) {
		return errors.New("subject must be one line of UTF-8 text")
	}
	// An unencoded word cannot be folded; RFC 5322 caps a line at 998.
	for _, w := range strings.Fields(r.Subject + " " + r.From + " " + r.OriginatorSystem + " " + strings.Join(r.To, " ")) {
		if len(w) > maxWordLen {
			return fmt.Errorf("header word of %d characters: at most %d fit on a header line", len(w), maxWordLen)
		}
	}
	if !utf8.ValidString(r.Text) {
		return errors.New("text is not valid UTF-8")
	}
	return nil
}

// printableASCII reports whether s is printable ASCII, spaces allowed or not.
func printableASCII(s string, spaces bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c > '~' || c < ' ' || (c == ' ' && !spaces) {
			return false
		}
	}
	return true
}
