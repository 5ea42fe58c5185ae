package smtpd_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// selfSigned makes a throwaway certificate for 127.0.0.1.
func selfSigned(t testing.TB) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mmsc.example.net"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"mmsc.example.net"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// go-smtp's client, a real third-party SMTP implementation, submits with
// AUTH PLAIN and then over STARTTLS.
func TestGoSMTPClient(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.TLS = selfSigned(t) })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	seed := strings.NewReader(seedMessage(t))
	err := smtp.SendMail(ts.addr, sasl.NewPlainClient("", "test", "test"),
		"+447779998888/TYPE=PLMN@mms.example.net", []string{"+447778889999/TYPE=PLMN@mms.example.net"}, seed)
	if err == nil {
		t.Fatal("SendMail verified an untrusted certificate")
	}
	c, err := smtp.DialStartTLS(ts.addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "test", "test")); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("+447779998888/TYPE=PLMN@mms.example.net", []string{"+447778889999/TYPE=PLMN@mms.example.net"}, strings.NewReader(seedMessage(t))); err != nil {
		t.Fatal(err)
	}
	if n := ts.stored(t); n != 1 {
		t.Fatalf("stored %d messages, want 1", n)
	}
}

// The same dialog over implicit TLS (tls_listen).
func TestImplicitTLS(t *testing.T) {
	ts := startServer(t, func(c *smtpd.Config) { c.TLS = selfSigned(t) })
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	d := dialTLS(t, ts.tlsAddr)
	d.login("test", "test")
	d.startData()
	d.send(seedMessage(t) + ".")
	d.expect("250 Message Accepted")
}

// Third-party clients from Debian: swaks and curl. .ci/run installs them.
// swaks submits over plain TCP, STARTTLS (-tls) and implicit TLS (--tlsc).
func TestSwaks(t *testing.T) {
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		t.Skip("swaks not installed (apt-get install swaks; .ci/run does)")
	}
	for _, mode := range []struct {
		name string
		tls  []string // swaks's option; nil: plain TCP
	}{
		{"plain", nil},
		{"STARTTLS", []string{"-tls"}},
		{"implicit TLS", []string{"--tlsc"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			ts := startServer(t, func(c *smtpd.Config) { c.TLS = selfSigned(t) })
			ts.addAccount(t, vasp.Account{Name: "test"}, "test")
			file := filepath.Join(t.TempDir(), "mm4.eml")
			os.WriteFile(file, []byte(seedMessage(t)), 0o600)
			addr := ts.addr
			if mode.name == "implicit TLS" {
				addr = ts.tlsAddr
			}
			args := append([]string{"--server", addr, "--auth", "LOGIN", "--auth-user", "test", "--auth-password", "test",
				"--from", "+447779998888/TYPE=PLMN@mms.example.net", "--to", "+447778889999/TYPE=PLMN@mms.example.net",
				"--data", "@" + file, "--pipeline"}, mode.tls...)
			cmd := exec.Command(swaks, args...)
			cmd.Env = append(os.Environ(), "POSIXLY_CORRECT=1") // else Getopt reads "+44…" as an option
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("swaks: %v\n%s", err, out)
			}
			want := []string{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", " 235 ", " 250 Message Accepted <"}
			if mode.tls != nil {
				want = append(want, "TLS started")
			}
			for _, w := range want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("swaks transcript lacks %q:\n%s", w, out)
				}
			}
			if n := ts.stored(t); n != 1 {
				t.Fatalf("stored %d messages, want 1", n)
			}
		})
	}
}

func TestCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed (apt-get install curl; .ci/run does)")
	}
	ts := startServer(t)
	ts.addAccount(t, vasp.Account{Name: "test"}, "test")
	file := filepath.Join(t.TempDir(), "mm4.eml")
	os.WriteFile(file, []byte(seedMessage(t)), 0o600)
	for i, extra := range [][]string{nil, {"--sasl-ir"}} { // two prompts, then the initial-response form
		args := append([]string{"-sS", "-v", "--url", "smtp://" + ts.addr, "--login-options", "AUTH=LOGIN", "--user", "test:test",
			"--mail-from", "+447779998888/TYPE=PLMN@mms.example.net", "--mail-rcpt", "+447778889999/TYPE=PLMN@mms.example.net",
			"--upload-file", file}, extra...)
		out, err := exec.Command(curl, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", extra, err, out)
		}
		if !bytes.Contains(out, []byte("< 250 Message Accepted <")) {
			t.Errorf("curl %v transcript lacks the acceptance:\n%s", extra, out)
		}
		if n := ts.stored(t); n != i+1 {
			t.Fatalf("stored %d messages, want %d", n, i+1)
		}
	}
}
