package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"unicode/utf8"
)

// logValueLimit is the most bytes of one value, or of a record's message,
// that a log line carries: more than any address, ID or error of ours, and
// a refused request's megabyte path no longer makes a megabyte line.
const logValueLimit = 1024

// newLogger is the server's logger: JSON lines on w, each value cut to
// logValueLimit (limitLogValue) and each line with the characters that act
// on a terminal escaped (escapeJSON), since values carry what peers sent.
func newLogger(w io.Writer) *slog.Logger { return newLoggerAs(w, logJSON) }

// Log formats ([log] format).
const (
	logJSON = "json"
	logText = "text" // logfmt-like key=value, for a terminal
)

// newLoggerAs is newLogger in format: the same values, cut and escaped
// alike, as JSON or as key=value text.
func newLoggerAs(w io.Writer, format string) *slog.Logger {
	opts := &slog.HandlerOptions{ReplaceAttr: limitLogValue}
	if format == logText {
		return slog.New(slog.NewTextHandler(escapingWriter{w}, opts))
	}
	return slog.New(slog.NewJSONHandler(escapingWriter{w}, opts))
}

// limitLogValue is a's value cut to logValueLimit bytes when it is a
// string, an error or a fmt.Stringer (the message of the record too, whose
// key is slog.MessageKey), marked with the length it had. Other values are
// left alone; an error or a Stringer becomes a string only when cut.
func limitLogValue(_ []string, a slog.Attr) slog.Attr {
	var s string
	switch a.Value.Kind() {
	case slog.KindString:
		s = a.Value.String()
	case slog.KindAny:
		var ok bool
		if s, ok = text(a.Value.Any()); !ok {
			return a
		}
	default:
		return a
	}
	if len(s) > logValueLimit {
		a.Value = slog.StringValue(truncate(s, logValueLimit))
	}
	return a
}

// text is v's Error or String, if it has one that does not panic: slog
// would print a nil *T as "<nil>", and a log call must never bring the
// server down.
func text(v any) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	switch v := v.(type) {
	case error:
		return v.Error(), true
	case fmt.Stringer:
		return v.String(), true
	}
	return "", false
}

// truncate is s cut to at most n bytes at a character boundary, followed
// by how long s was: "…(1048576 bytes)". s must be longer than n.
func truncate(s string, n int) string {
	cut := n
	for i := 0; i < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(s[cut]); i++ {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// escapingWriter writes each log line through escapeJSON. slog's
// JSONHandler writes one whole line per Write, compact, so the only byte
// outside its strings that escapeJSON would touch is the final newline,
// which is set aside.
type escapingWriter struct{ w io.Writer }

// Write writes p, one log line, escaped; it counts p as written in full.
func (e escapingWriter) Write(p []byte) (int, error) {
	line, nl := bytes.CutSuffix(p, []byte("\n"))
	esc := escapeJSON(line)
	if len(esc) == len(line) { // an escape is longer than what it stands for
		return e.w.Write(p)
	}
	if nl {
		esc = append(esc, '\n')
	}
	if _, err := e.w.Write(esc); err != nil {
		return 0, err
	}
	return len(p), nil
}
