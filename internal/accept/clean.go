package accept

import "github.com/mmsc-project/mmsc/internal/mms"

// clean takes the characters that act instead of showing (mms.CleanText)
// out of the text m's sender wrote, before it is routed, answered or
// stored: every reader after this point (mmsc messages, the logs, the
// handset, the peer MMSC, the VASP's report) gets it clean.
//
// The IDs (TransactionID, MM4MessageID, SMTPMessageID) are left exactly as
// sent: the MM4 and MM7 answers quote them back for the sender to match,
// and one changed here would match nothing. The MM4 edge refuses IDs that
// cannot be written back. Recipient addresses have been parsed as phone
// numbers or e-mail addresses by the ingress; parts are content, passed on
// as sent.
func clean(m *mms.Message) {
	for _, f := range []*string{
		&m.Subject, &m.From, &m.Sender, &m.EnvelopeFrom, &m.OriginatorSystem,
		&m.MessageClass, &m.Priority,
		&m.Service.VASPID, &m.Service.VASID, &m.Service.ServiceCode, &m.Service.LinkedID, &m.Service.ChargedParty,
	} {
		*f = mms.CleanText(*f)
	}
	for _, l := range [][]string{m.To, m.Cc} {
		for i := range l {
			l[i] = mms.CleanText(l[i])
		}
	}
}
