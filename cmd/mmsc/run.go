package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// usageError is a mistake on the command line: exit code 2, like flag's.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// env is what every verb gets from the process: nothing is read from
// globals, so tests call run directly.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `mmsc — a Multimedia Messaging Service Centre

Usage:
  mmsc serve [-config F]                       run the MMSC
  mmsc vasp add NAME [-password P|-] [-allow-ip LIST] [-sender MASKS] [-config F]
         [-mm7-url URL [-mm7-user U -mm7-password P] [-mm7-version V]] [-max-rate N]
         [-report-to H:P [-report-user U -report-password P]] [-max-connections N]
  mmsc vasp set NAME [the flags of vasp add but -password] [-config F]   change only what is named
  mmsc vasp list [-json] [-config F]
  mmsc vasp remove NAME [-config F]
  mmsc vasp passwd NAME -password P|- [-config F]
  mmsc route add NAME -kind mm4|reject|mm1|weblink|mm7 -match MASKS [-default] [-host H:P -domain D] [-vasp NAME] [-config F]
         [-originator-system A] [-sender S] [-sender-override] [-tls required|implicit|none]
         [-user U -password P|-] [-strip-prefix P] [-add-prefix P]
  mmsc route list [-json] [-config F]
  mmsc route remove NAME [-config F]
  mmsc messages [-json] [-limit N] [-config F] list stored messages, newest first
  mmsc send -server HOST:PORT -user U -password P -from ADDR -to ADDR[,ADDR] [-subject S] [-text T] FILE...
  mmsc handset send -msisdn N -to N2[,N3] [-url URL] [-subject S] [-text T] [-delivery-report] [-read-report] FILE...
  mmsc handset fetch URL -msisdn N [-out DIR]   stand in for a phone: send an m-send-req, fetch a message
  mmsc check-config -config F                  print every problem in a configuration file; reach the database
  mmsc migrate [-config F]                     bring the database's schema up to this program's

Without -config, MMSC_CONFIG names the file; without either, the embedded defaults apply.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no verb given"}
	}
	verb, rest := args[0], args[1:]
	switch verb {
	case "serve":
		return cmdServe(ctx, e, rest)
	case "vasp":
		return cmdVASP(ctx, e, rest)
	case "route":
		return cmdRoute(ctx, e, rest)
	case "messages":
		return cmdMessages(ctx, e, rest)
	case "send":
		return cmdSend(ctx, e, rest)
	case "handset":
		return cmdHandset(ctx, e, rest)
	case "check-config":
		return cmdCheckConfig(ctx, e, rest)
	case "migrate":
		return cmdMigrate(ctx, e, rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown verb %q", verb)}
}

// newFlags returns a flag set that reports to stderr and never exits.
func newFlags(e env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("mmsc "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseWithName parses "NAME -flags" as well as "-flags NAME": operators
// type the name first, as the usage shows, but flag stops at the first
// non-flag argument.
func parseWithName(fs *flag.FlagSet, args []string) (string, error) {
	var name string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", usageError{err.Error()}
	}
	rest := fs.Args()
	if name == "" && len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return "", usageError{fmt.Sprintf("unexpected arguments %q", rest)}
	}
	if name == "" {
		return "", usageError{"missing NAME"}
	}
	return name, nil
}
