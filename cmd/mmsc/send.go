package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/mm4"
)

// cmdSend builds an MM4_forward.REQ and submits it the way a VASP does,
// printing every server reply, so an operator can test an account.
func cmdSend(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "send")
	server := fs.String("server", "127.0.0.1:2525", "MMSC SMTP address host:port")
	user := fs.String("user", "", "VASP account (AUTH LOGIN); empty = rely on an IP account")
	password := fs.String("password", "", "password, or - to read it from stdin")
	from := fs.String("from", "", "sender, e.g. +447779998888/TYPE=PLMN@mms.localhost")
	to := fs.String("to", "", "recipients, comma-separated, e.g. +447778889999/TYPE=PLMN@mms.localhost")
	subject := fs.String("subject", "", "subject")
	text := fs.String("text", "", "text part")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *from == "" || *to == "" {
		return usageError{"send needs -from and -to"}
	}
	if *text == "" && fs.NArg() == 0 {
		return usageError{"send needs -text or at least one FILE"}
	}
	req := mm4.ForwardRequest{From: *from, Subject: *subject, Text: *text}
	for _, r := range strings.Split(*to, ",") {
		if r = strings.TrimSpace(r); r != "" {
			req.To = append(req.To, r)
		}
	}
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		req.Files = append(req.Files, mm4.File{Name: filepath.Base(name), Data: data})
	}
	pw, err := readPassword(e, *password)
	if err != nil {
		return err
	}
	msg, err := mm4.Build(req)
	if err != nil {
		return err
	}
	return submit(ctx, *server, *user, pw, *from, req.To, msg, e.stdout)
}

// submit runs one SMTP transaction with go-smtp's client, printing what the
// server says.
func submit(ctx context.Context, server, user, password, from string, to []string, msg []byte, out io.Writer) error {
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", server)
	if err != nil {
		return err
	}
	c := smtp.NewClient(&echoConn{Conn: conn, out: out})
	defer c.Close()
	if err := c.Hello("mmsc-send"); err != nil {
		return err
	}
	if user != "" {
		if err := c.Auth(loginClient{user, password}); err != nil {
			return err
		}
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// echoConn prints every line the server sends, prefixed "S: ".
type echoConn struct {
	net.Conn
	out     io.Writer
	partial []byte
}

func (c *echoConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.partial = append(c.partial, b[:n]...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(c.out, "S: %s\n", bytes.TrimRight(c.partial[:i], "\r"))
		c.partial = c.partial[i+1:]
	}
	return n, err
}
