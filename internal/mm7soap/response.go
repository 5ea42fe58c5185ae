package mm7soap

import (
	"bytes"
	"encoding/xml"
	"strconv"
)

// Namespaces.
const (
	EnvelopeNS = "http://schemas.xmlsoap.org/soap/envelope/"
	// DefaultNS and DefaultVersion are what mmsc writes when it does not
	// answer a request in the request's own.
	DefaultNS      = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-6-MM7-1-4"
	DefaultVersion = "6.8.0"
)

// ContentType is the HTTP Content-Type of an envelope on its own.
const ContentType = `text/xml; charset="utf-8"`

// Response is the answer to a request: its …Rsp with a Status and, for a
// SubmitRsp that succeeded, the MessageID.
type Response struct {
	Namespace, Version string // the request's; "" = DefaultNS, DefaultVersion
	TransactionID      string
	Op                 string // "SubmitRsp", "CancelRsp", ...
	Status             Status
	MessageID          string
}

// ResponseTo is the answer to r, with op named after r's operation
// ("SubmitReq" → "SubmitRsp").
func ResponseTo(r *Request, status Status) Response {
	op := "RSErrorRsp"
	if len(r.Op) > 3 && r.Op[len(r.Op)-3:] == "Req" {
		op = r.Op[:len(r.Op)-3] + "Rsp"
	}
	return Response{Namespace: r.Namespace, Version: r.Version, TransactionID: r.TransactionID, Op: op, Status: status}
}

// XML is the envelope of the response.
func (r Response) XML() []byte {
	var w writer
	w.envelope(r.Namespace, r.TransactionID, func() {
		w.open(r.Op, r.Namespace)
		w.element("MM7Version", orDefault(r.Version, DefaultVersion))
		w.status(r.Status)
		if r.MessageID != "" {
			w.element("MessageID", r.MessageID)
		}
		w.close(r.Op)
	})
	return w.Bytes()
}

// Fault is the SOAP Fault for a request that could not be understood as
// MM7 (mm7.md §4): faultcode env:Client (env:Server when the trouble was
// the server's), and an RSErrorRsp with the status in detail. It travels
// with HTTP 500, the SOAP 1.1 rule.
func Fault(namespace, version string, status Status) []byte {
	var w writer
	w.WriteString(xml.Header)
	w.WriteString(`<env:Envelope xmlns:env="` + EnvelopeNS + `"><env:Body><env:Fault>`)
	code := "env:Client"
	if Temporary(status.Code) {
		code = "env:Server"
	}
	w.element("faultcode", code)
	w.element("faultstring", orDefault(status.Text, StatusText(status.Code)))
	w.WriteString("<detail>")
	w.open("RSErrorRsp", namespace)
	w.element("MM7Version", orDefault(version, DefaultVersion))
	w.status(status)
	w.close("RSErrorRsp")
	w.WriteString("</detail></env:Fault></env:Body></env:Envelope>")
	return w.Bytes()
}

// writer writes XML with every text escaped.
type writer struct{ bytes.Buffer }

func (w *writer) envelope(namespace, tid string, body func()) {
	w.WriteString(xml.Header)
	w.WriteString(`<env:Envelope xmlns:env="` + EnvelopeNS + `"><env:Header>`)
	w.WriteString(`<mm7:TransactionID xmlns:mm7="`)
	w.text(orDefault(namespace, DefaultNS))
	w.WriteString(`" env:mustUnderstand="1">`)
	w.text(tid)
	w.WriteString(`</mm7:TransactionID></env:Header><env:Body>`)
	body()
	w.WriteString(`</env:Body></env:Envelope>`)
}

func (w *writer) open(name, namespace string) {
	w.WriteString("<" + name + ` xmlns="`)
	w.text(orDefault(namespace, DefaultNS))
	w.WriteString(`">`)
}

func (w *writer) close(name string) { w.WriteString("</" + name + ">") }

func (w *writer) element(name, value string) {
	w.WriteString("<" + name + ">")
	w.text(value)
	w.WriteString("</" + name + ">")
}

func (w *writer) status(s Status) {
	w.WriteString("<Status>")
	w.element("StatusCode", strconv.Itoa(s.Code))
	w.element("StatusText", orDefault(s.Text, StatusText(s.Code)))
	if s.Details != "" {
		w.element("Details", s.Details)
	}
	w.WriteString("</Status>")
}

func (w *writer) text(s string) { xml.EscapeText(w, []byte(s)) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
