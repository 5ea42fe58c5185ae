// Package tsharktest runs Wireshark's tshark as an independent decoder of
// the binary PDUs mmsc emits (mms-encoding.md §14): frames are written to
// a pcap file under link type 147 (DLT_USER0), mapped to a dissector
// (mmse, wsp-cl, gsm_sms) through tshark's user_dlts table, and the
// decoded fields are returned for comparison with what was encoded.
//
// It is for tests only: import it from _test.go files. Tests skip, with a
// message saying how to enable them, where tshark is not installed.
package tsharktest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Require returns tshark's path, or skips the test.
func Require(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed; apt-get install tshark (the CI script installs it)")
	}
	return path
}

// WritePcap writes frames to path under link type 147, one second apart
// from base, so that reassembly keeps them in order.
func WritePcap(t testing.TB, path string, base time.Time, frames [][]byte) {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 147, 0, 0, 0})
	for i, f := range frames {
		var rec [16]byte
		binary.LittleEndian.PutUint32(rec[0:], uint32(base.Unix())+uint32(i))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		b.Write(rec[:])
		b.Write(f)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Run runs tshark on pcap with dissector on link type 147 and the given
// arguments, with TZ=UTC so that times print the same everywhere.
func Run(t testing.TB, tshark, pcap, dissector string, args ...string) string {
	t.Helper()
	dlt := fmt.Sprintf(`uat:user_dlts:"User 0 (DLT=147)","%s","0","","0",""`, dissector)
	cmd := exec.Command(tshark, append([]string{"-n", "-r", pcap, "-o", dlt}, args...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// Fields dissects frames with dissector and returns the fields of each
// frame, every occurrence of a field joined with "|". A frame that tshark
// finds malformed or warns about fails the test.
func Fields(t testing.TB, tshark, dissector string, base time.Time, frames [][]byte, fields []string) []map[string]string {
	t.Helper()
	pcap := filepath.Join(t.TempDir(), dissector+".pcap")
	WritePcap(t, pcap, base, frames)
	args := []string{"-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|", "-E", "separator=/t"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	lines := strings.Split(strings.TrimSuffix(Run(t, tshark, pcap, dissector, args...), "\n"), "\n")
	if len(lines) != len(frames) {
		t.Fatalf("tshark gave %d lines for %d frames", len(lines), len(frames))
	}
	rows := make([]map[string]string, len(lines))
	for i, line := range lines {
		cols := strings.Split(line, "\t")
		if len(cols) != len(fields) {
			t.Fatalf("frame %d: %d columns for %d fields: %q", i+1, len(cols), len(fields), line)
		}
		rows[i] = map[string]string{}
		for j, f := range fields {
			rows[i][f] = cols[j]
		}
	}
	bad := Run(t, tshark, pcap, dissector, "-Y", `_ws.malformed || _ws.expert.severity >= "Warning"`,
		"-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
	if strings.TrimSpace(bad) != "" {
		t.Errorf("tshark flags frames as malformed or with warnings:\n%s", bad)
	}
	return rows
}

// Time is how tshark prints an absolute time in fields, with TZ=UTC.
func Time(t time.Time) string {
	return t.UTC().Format("Jan _2, 2006 15:04:05.000000000 UTC")
}
