package mms

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// MessageID is the identifier the MMSC assigns to an accepted message.
type MessageID string

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewMessageID returns an ID that sorts by creation time (48 bits of
// milliseconds) and cannot be guessed (80 random bits): 26 characters of
// Crockford base32, safe in SMTP replies, URLs and MM4 headers.
func NewMessageID(now time.Time) MessageID {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ panics
		// instead); keep the branch so a future change cannot go unnoticed.
		panic("mms: crypto/rand failed: " + err.Error())
	}
	return MessageID(strings.ToLower(idEncoding.EncodeToString(b[:])))
}

// NewToken returns a retrieval token: 128 random bits in 22 characters of
// unpadded base64url. The token is the last element of a Content-Location,
// which must fit a one-SMS notification: every byte counts there.
func NewToken() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("mms: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// NewTransactionID returns the X-Mms-Transaction-ID of a notification: 12
// characters (60 random bits). It names the recipient to the handset's
// answers, so it must not be guessable, and it is carried in the
// notification SMS, so it is short.
func NewTransactionID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("mms: crypto/rand failed: " + err.Error())
	}
	return strings.ToLower(idEncoding.EncodeToString(b[:]))[:12]
}
