package mm7soap

import (
	"strconv"
	"strings"
	"time"
)

// NamespaceFor is the MM7 namespace that goes with an MM7Version: the
// newest schema of its release (REL-5-MM7-1-3 for 5.x, REL-6-MM7-1-4 for
// 6.x), since a VASP's strict stack discards a request in another.
func NamespaceFor(version string) string {
	if strings.HasPrefix(version, "5.") {
		return "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/REL-5-MM7-1-3"
	}
	return DefaultNS
}

// DeliveryReport is a DeliveryReportReq: what became of one recipient of a
// message the VASP submitted.
type DeliveryReport struct {
	Version       string // the VASP's; "" = DefaultVersion
	TransactionID string
	RelayServerID string // MMSRelayServerID, "" for none
	MessageID     string // the SubmitRsp's
	Recipient     Address
	Sender        Address
	Date          time.Time
	MMStatus      string // Retrieved, Rejected, Expired, Forwarded, Indeterminate, Deferred, Unrecognised
	StatusText    string
}

// XML is the envelope of the request.
func (d DeliveryReport) XML() []byte {
	return outgoing(d.Version, d.TransactionID, "DeliveryReportReq", func(w *writer) {
		w.report(d.RelayServerID, d.MessageID, d.Recipient, d.Sender, "Date", d.Date, d.MMStatus, d.StatusText)
	})
}

// ReadReply is a ReadReplyReq: a recipient read (or deleted unread) a
// message the VASP submitted.
type ReadReply struct {
	Version       string
	TransactionID string
	RelayServerID string
	MessageID     string
	Recipient     Address
	Sender        Address
	TimeStamp     time.Time
	MMStatus      string // Read, Deleted, Indeterminate
	StatusText    string
}

// XML is the envelope of the request.
func (r ReadReply) XML() []byte {
	return outgoing(r.Version, r.TransactionID, "ReadReplyReq", func(w *writer) {
		w.report(r.RelayServerID, r.MessageID, r.Recipient, r.Sender, "TimeStamp", r.TimeStamp, r.MMStatus, r.StatusText)
	})
}

// report writes the children the two reports share, in their order; only
// the name of the time differs (Date, TimeStamp).
func (w *writer) report(relayID, messageID string, recipient, sender Address, timeName string, at time.Time, status, text string) {
	if relayID != "" {
		w.element("MMSRelayServerID", relayID)
	}
	w.element("MessageID", messageID)
	w.address("Recipient", recipient)
	w.address("Sender", sender)
	w.element(timeName, at.UTC().Format(time.RFC3339))
	w.element("MMStatus", status)
	if text != "" {
		w.element("StatusText", text)
	}
}

// outgoing writes a request of ours in the namespace of version.
func outgoing(version, tid, op string, children func(*writer)) []byte {
	version = orDefault(version, DefaultVersion)
	ns := NamespaceFor(version)
	var w writer
	w.envelope(ns, tid, func() {
		w.open(op, ns)
		w.element("MM7Version", version)
		children(&w)
		w.close(op)
	})
	return w.Bytes()
}

func (w *writer) address(name string, a Address) {
	w.WriteString("<" + name + ">")
	w.element(string(a.Kind), a.Value)
	w.WriteString("</" + name + ">")
}

// ReadStatus reads the answer to a request of ours (a …Rsp, or a SOAP
// Fault carrying a VASPErrorRsp or RSErrorRsp): its Status. An answer
// that holds no MM7 status is an error.
func ReadStatus(body []byte) (Status, error) {
	env, err := parseXML(body)
	if err != nil {
		return Status{}, err
	}
	var find func(n *node) *node
	find = func(n *node) *node {
		if n.local == "Status" && n.child("StatusCode") != nil {
			return n
		}
		for _, k := range n.kids {
			if s := find(k); s != nil {
				return s
			}
		}
		return nil
	}
	st := find(env)
	if st == nil {
		return Status{}, errorString("the answer holds no MM7 Status")
	}
	code, err := strconv.Atoi(st.value("StatusCode"))
	if err != nil {
		return Status{}, errorString("StatusCode " + strconv.Quote(st.value("StatusCode")) + " is not a number")
	}
	details := st.value("Details")
	if d := st.child("Details"); details == "" && d != nil && len(d.kids) > 0 {
		details = d.kids[0].text
	}
	return Status{Code: code, Text: st.value("StatusText"), Details: details}, nil
}
