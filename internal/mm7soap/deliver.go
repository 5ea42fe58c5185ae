package mm7soap

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"time"

	"github.com/mmsc-project/mmsc/internal/mimebody"
	"github.com/mmsc-project/mmsc/internal/mms"
)

// Deliver is a DeliverReq: a subscriber's message to a VASP's short code.
type Deliver struct {
	Version       string // the VASP's; "" = DefaultVersion
	TransactionID string
	RelayServerID string
	LinkedID      string // our ID of the message, for the VASP to quote when it replies
	Sender        Address
	Recipients    []Address // To
	TimeStamp     time.Time
	Priority      string
	Subject       string
	ContentType   string // the message's, as the store keeps it (multipart/related; start=...)
	Parts         []mms.Part
}

// Request is the DeliverReq as an HTTP body: a multipart/related whose
// root is the SOAP envelope and whose other part is the content, itself a
// multipart of the message's parts (or its one part), each in base64 so
// that no binary survives as text on the way.
func (d Deliver) Request() (contentType string, body []byte, err error) {
	soap := outgoing(d.Version, d.TransactionID, "DeliverReq", func(w *writer) {
		if d.RelayServerID != "" {
			w.element("MMSRelayServerID", d.RelayServerID)
		}
		if d.LinkedID != "" {
			w.element("LinkedID", d.LinkedID)
		}
		w.address("Sender", d.Sender)
		if len(d.Recipients) > 0 {
			w.WriteString("<Recipients><To>")
			for _, a := range d.Recipients {
				w.element(string(a.Kind), a.Value)
			}
			w.WriteString("</To></Recipients>")
		}
		if !d.TimeStamp.IsZero() {
			w.element("TimeStamp", d.TimeStamp.UTC().Format(time.RFC3339))
		}
		if d.Priority != "" {
			w.element("Priority", d.Priority)
		}
		if d.Subject != "" {
			w.element("Subject", d.Subject)
		}
		w.WriteString(`<Content href="cid:content"/>`)
	})
	var out bytes.Buffer
	mw := multipart.NewWriter(&out)
	root, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ContentType}, "Content-Id": {"<soap>"}})
	if err != nil {
		return "", nil, err
	}
	root.Write(soap)
	if err := d.content(mw); err != nil {
		return "", nil, fmt.Errorf("mm7soap: DeliverReq content: %w", err)
	}
	if err := mw.Close(); err != nil {
		return "", nil, err
	}
	ct := mime.FormatMediaType("multipart/related", map[string]string{"boundary": mw.Boundary(), "type": "text/xml", "start": "<soap>"})
	return ct, out.Bytes(), nil
}

// content writes the content part: the message's parts in a multipart of
// its own type, or its single part as it is.
func (d Deliver) content(mw *multipart.Writer) error {
	typ, params := mimebody.MediaType(d.ContentType)
	if len(d.Parts) == 1 && !strings.HasPrefix(typ, "multipart/") {
		return writePart(mw, d.Parts[0], "<content>")
	}
	var inner bytes.Buffer
	iw := multipart.NewWriter(&inner)
	for _, p := range d.Parts {
		if err := writePart(iw, p, p.ContentID); err != nil {
			return err
		}
	}
	if err := iw.Close(); err != nil {
		return err
	}
	if !strings.HasPrefix(typ, "multipart/") {
		typ, params = "multipart/mixed", map[string]string{}
	}
	params["boundary"] = iw.Boundary()
	w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {mime.FormatMediaType(typ, params)}, "Content-Id": {"<content>"}})
	if err != nil {
		return err
	}
	_, err = w.Write(inner.Bytes())
	return err
}

// writePart writes one part in base64, with its Content-ID (id) and
// Content-Location.
func writePart(mw *multipart.Writer, p mms.Part, id string) error {
	h := textproto.MIMEHeader{"Content-Type": {p.ContentType}, "Content-Transfer-Encoding": {"base64"}}
	if id != "" {
		h.Set("Content-Id", id)
	}
	if p.ContentLocation != "" {
		h.Set("Content-Location", p.ContentLocation)
	}
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(p.Data)
	for len(enc) > 76 {
		fmt.Fprintf(w, "%s\r\n", enc[:76])
		enc = enc[76:]
	}
	_, err = fmt.Fprintf(w, "%s\r\n", enc)
	return err
}
