package mmsenc

import (
	"fmt"
	"time"
)

// SI dates (WAP-167-ServiceInd §8.2.2, mms-encoding.md §11): OPAQUE data of
// the digits YYYYMMDDhhmmss in UTC, two BCD digits an octet, with trailing
// 00 octets dropped, so that 2007-05-11T00:00:00Z is the four octets
// 20 07 05 11. Seconds are the finest the form holds.
const siDateOctets = 7

// appendSIDate writes t as OPAQUE. Fractions of a second are dropped: a
// caller passing time.Now() means that second.
func appendSIDate(b []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return b, fmt.Errorf("%v: the year does not fit four digits", t)
	}
	var d [siDateOctets]byte
	for i, v := range []int{t.Year() / 100, t.Year() % 100, int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()} {
		d[i] = byte(v/10<<4 | v%10)
	}
	n := siDateOctets
	for n > 0 && d[n-1] == 0 {
		n--
	}
	b = append(b, wbxOpaque, byte(n))
	return append(b, d[:n]...), nil
}

// parseSIDate reads the octets of the OPAQUE value. It accepts the
// trailing zeros some senders keep, and refuses what is not a date in the
// range appendSIDate writes: a time.Date that normalised 30 February
// would come back encoded differently.
func parseSIDate(opaque []byte) (time.Time, error) {
	if len(opaque) > siDateOctets {
		return time.Time{}, fmt.Errorf("date of %d octets, at most %d", len(opaque), siDateOctets)
	}
	var v [siDateOctets]int
	for i, c := range opaque {
		hi, lo := int(c>>4), int(c&0x0F)
		if hi > 9 || lo > 9 {
			return time.Time{}, fmt.Errorf("date octet 0x%02X is not two BCD digits", c)
		}
		v[i] = hi*10 + lo
	}
	year, month, day, hour, minute, sec := v[0]*100+v[1], v[2], v[3], v[4], v[5], v[6]
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if year < 1 || month < 1 || month > 12 || t.Day() != day || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("% X is not a date", opaque)
	}
	if t.IsZero() {
		// The zero time is how SI says "absent"; a date equal to it could
		// not be written back.
		return time.Time{}, fmt.Errorf("% X is the zero time", opaque)
	}
	return t, nil
}

// siDateText is the XML form of an SI date, which a few senders put in an
// inline string instead of OPAQUE.
const siDateText = "2006-01-02T15:04:05Z"
