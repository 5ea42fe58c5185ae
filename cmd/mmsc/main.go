// Command mmsc is a Multimedia Messaging Service Centre: it takes MMS from
// VASPs and peer MMSCs over MM4 (SMTP), stores each message durably and
// delivers it. Run "mmsc help" for the verbs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mmsc:", err)
		os.Exit(exitCode(err))
	}
}
