package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/mmsc-project/mmsc/internal/relay"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve")
	path := fs.String("config", "", "configuration file (TOML); default: embedded defaults")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := loadConfig(configPath(*path, e.getenv))
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	return serve(ctx, cfg, log, func(what, addr string) {
		fmt.Fprintf(e.stdout, "mmsc: %s listening on %s\n", what, addr)
	})
}

// serve runs the MMSC until ctx ends. listening is told each address once
// it accepts connections.
func serve(ctx context.Context, cfg Config, log *slog.Logger, listening func(what, addr string)) error {
	st, err := store.OpenSQLite(ctx, cfg.DataDir, log)
	if err != nil {
		return err
	}
	defer st.Close()

	var tlsConfig *tls.Config
	if cfg.SMTP.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.SMTP.CertFile, cfg.SMTP.KeyFile)
		if err != nil {
			return fmt.Errorf("smtp TLS certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	srv := smtpd.New(smtpd.Config{
		LocalHost:       cfg.LocalHost,
		MMSDomain:       cfg.MMSDomain,
		MaxMessageBytes: cfg.SMTP.MaxMessageSize,
		MaxRecipients:   cfg.SMTP.MaxRecipients,
		MaxConnsPerIP:   cfg.SMTP.MaxConnsPerIP,
		MaxConns:        cfg.SMTP.MaxConns,
		AuthFailures:    cfg.SMTP.AuthFailureLimit,
		ReadTimeout:     time.Duration(cfg.SMTP.ReadTimeout),
		DataTimeout:     time.Duration(cfg.SMTP.DataTimeout),
		TLS:             tlsConfig,
	}, accounts{st}, relay.New(st, relay.Config{}), log)

	errc := make(chan error, 3)
	smtpLn, err := net.Listen("tcp", cfg.SMTP.Listen)
	if err != nil {
		return fmt.Errorf("smtp listen: %w", err)
	}
	go func() { errc <- srv.Serve(smtpLn) }()
	listening("SMTP (MM4)", smtpLn.Addr().String())
	if cfg.SMTP.TLSListen != "" {
		tlsLn, err := net.Listen("tcp", cfg.SMTP.TLSListen)
		if err != nil {
			srv.Close()
			return fmt.Errorf("smtp tls_listen: %w", err)
		}
		go func() { errc <- srv.ServeTLS(tlsLn) }()
		listening("SMTPS (MM4, implicit TLS)", tlsLn.Addr().String())
	}

	httpLn, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("http listen: %w", err)
	}
	hs := &http.Server{Handler: httpHandler(st), ReadHeaderTimeout: 10 * time.Second}
	go func() { errc <- hs.Serve(httpLn) }()
	listening("HTTP", httpLn.Addr().String())

	select {
	case <-ctx.Done():
	case err = <-errc:
		log.Error("listener stopped", "err", err)
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	hs.Shutdown(shut)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// httpHandler serves health for now; MM1 retrieval mounts here later.
func httpHandler(st *store.SQLite) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := st.Messages(r.Context(), 1); err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// accounts gives smtpd the store's accounts in smtpd's terms.
type accounts struct{ st *store.SQLite }

func (a accounts) Account(ctx context.Context, name string) (vasp.Account, error) {
	acc, err := a.st.Account(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return acc, fmt.Errorf("%w: %s", smtpd.ErrNoAccount, name)
	}
	return acc, err
}
