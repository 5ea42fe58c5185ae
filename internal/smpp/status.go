package smpp

import "fmt"

// StatusError is a non-zero command_status from the SMSC: in a
// submit_sm_resp (or a generic_nack answering a submit_sm), or in a
// bind_transceiver_resp.
type StatusError struct {
	Status  uint32
	Command string // "submit_sm" when empty
}

func (e *StatusError) Error() string {
	cmd := e.Command
	if cmd == "" {
		cmd = "submit_sm"
	}
	return fmt.Sprintf("smpp: %s refused: %s (0x%08X)", cmd, StatusName(e.Status), e.Status)
}

// Temporary reports whether the same submit_sm may succeed later. Only the
// statuses marked permanent in the table are final; unlisted and
// vendor-specific ones (0x0400–0x04FF) count as temporary.
func (e *StatusError) Temporary() bool {
	_, permanent, _ := lookupStatus(e.Status)
	return !permanent
}

// StatusName is the SMPP v3.4 symbolic name of a command_status, or
// "vendor-specific" / "reserved" for codes §5.1.3 does not name.
func StatusName(status uint32) string {
	if name, _, known := lookupStatus(status); known {
		return name
	}
	if status >= 0x400 && status <= 0x4FF {
		return "vendor-specific"
	}
	return "reserved"
}

// lookupStatus is SMPP v3.4 §5.1.3, classified for a submit_sm.
//
// Permanent: the SMSC judged this PDU itself (its length, an address, a
// flag, an optional parameter) or refused it for good (ESME_RX_P_APPN,
// ESME_RX_R_APPN); sending the same octets again gets the same answer.
//
// Temporary: the cause lies in the SMSC's or the link's state at that
// moment — ESME_RTHROTTLED 0x58, ESME_RMSGQFUL 0x14, ESME_RSYSERR 0x08,
// ESME_RX_T_APPN 0x64 by definition; ESME_RINVBNDSTS 0x04 and
// ESME_RALYBND 0x05 (link state, fixed by a rebind); the bind failures
// 0x0D–0x0F (they concern the account, not the message); ESME_RSUBMITFAIL
// 0x45, which §5.1.3 defines only as "submit_sm or submit_multi failed"
// and SMSCs use for transient routing and downstream faults as much as for
// final ones; ESME_RUNKNOWNERR 0xFF; and everything unnamed. Misjudging a
// transient status as permanent loses a notification; the reverse costs a
// few bounded retries.
func lookupStatus(status uint32) (name string, permanent, known bool) {
	switch status {
	case 0x00:
		return "ESME_ROK", false, true
	case 0x01:
		return "ESME_RINVMSGLEN", true, true
	case 0x02:
		return "ESME_RINVCMDLEN", true, true
	case 0x03:
		return "ESME_RINVCMDID", true, true
	case 0x04:
		return "ESME_RINVBNDSTS", false, true
	case 0x05:
		return "ESME_RALYBND", false, true
	case 0x06:
		return "ESME_RINVPRTFLG", true, true
	case 0x07:
		return "ESME_RINVREGDLVFLG", true, true
	case 0x08:
		return "ESME_RSYSERR", false, true
	case 0x0A:
		return "ESME_RINVSRCADR", true, true
	case 0x0B:
		return "ESME_RINVDSTADR", true, true
	case 0x0C:
		return "ESME_RINVMSGID", true, true
	case 0x0D:
		return "ESME_RBINDFAIL", false, true
	case 0x0E:
		return "ESME_RINVPASWD", false, true
	case 0x0F:
		return "ESME_RINVSYSID", false, true
	case 0x11:
		return "ESME_RCANCELFAIL", true, true
	case 0x13:
		return "ESME_RREPLACEFAIL", true, true
	case 0x14:
		return "ESME_RMSGQFUL", false, true
	case 0x15:
		return "ESME_RINVSERTYP", true, true
	case 0x33:
		return "ESME_RINVNUMDESTS", true, true
	case 0x34:
		return "ESME_RINVDLNAME", true, true
	case 0x40:
		return "ESME_RINVDESTFLAG", true, true
	case 0x42:
		return "ESME_RINVSUBREP", true, true
	case 0x43:
		return "ESME_RINVESMCLASS", true, true
	case 0x44:
		return "ESME_RCNTSUBDL", true, true
	case 0x45:
		return "ESME_RSUBMITFAIL", false, true
	case 0x48:
		return "ESME_RINVSRCTON", true, true
	case 0x49:
		return "ESME_RINVSRCNPI", true, true
	case 0x50:
		return "ESME_RINVDSTTON", true, true
	case 0x51:
		return "ESME_RINVDSTNPI", true, true
	case 0x53:
		return "ESME_RINVSYSTYP", true, true
	case 0x54:
		return "ESME_RINVREPFLAG", true, true
	case 0x55:
		return "ESME_RINVNUMMSGS", true, true
	case 0x58:
		return "ESME_RTHROTTLED", false, true
	case 0x61:
		return "ESME_RINVSCHED", true, true
	case 0x62:
		return "ESME_RINVEXPIRY", true, true
	case 0x63:
		return "ESME_RINVDFTMSGID", true, true
	case 0x64:
		return "ESME_RX_T_APPN", false, true
	case 0x65:
		return "ESME_RX_P_APPN", true, true
	case 0x66:
		return "ESME_RX_R_APPN", true, true
	case 0x67:
		return "ESME_RQUERYFAIL", true, true
	case 0xC0:
		return "ESME_RINVOPTPARSTREAM", true, true
	case 0xC1:
		return "ESME_ROPTPARNOTALLWD", true, true
	case 0xC2:
		return "ESME_RINVPARLEN", true, true
	case 0xC3:
		return "ESME_RMISSINGOPTPARAM", true, true
	case 0xC4:
		return "ESME_RINVOPTPARAMVAL", true, true
	case 0xFE:
		return "ESME_RDELIVERYFAILURE", false, true
	case 0xFF:
		return "ESME_RUNKNOWNERR", false, true
	}
	return "", false, false
}
