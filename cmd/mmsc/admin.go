package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/mmsc-project/mmsc/internal/admin"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/httpserver"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/vasp"
)

// serveAdmin starts the operator's listener, which stops with shut.
func serveAdmin(cfg Config, st *store.Store, engine *delivery.Engine, smsc func() bool, metrics http.Handler,
	observe httpserver.Observer, log *slog.Logger, errc chan<- error, listening func(what, addr string)) (shut *httpserver.Server, err error) {
	token, path, made, err := admin.LoadToken(cfg.DataDir, cfg.Admin.Token)
	if err != nil {
		return nil, err
	}
	if made {
		log.Warn("admin: token made; send it as \"Authorization: Bearer <token>\"", "file", path)
	} else if path != "" {
		log.Info("admin: token read", "file", path)
	}
	var tlsConfig *tls.Config
	if cfg.Admin.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.Admin.CertFile, cfg.Admin.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("admin TLS certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	a := admin.New(admin.Backend{
		Messages:   st,
		Outbox:     st.Outbox(),
		Accounts:   st,
		Routes:     st,
		Recipients: engine,
		Ready:      st.Writable,
		SMSC:       smsc,
		Metrics:    metrics,
	}, admin.Config{
		Token:    token,
		Throttle: vasp.NewThrottle(cfg.SMTP.AuthFailureLimit, time.Minute, nil),
	}, log)
	// A few operators' browsers and scrapers: small caps.
	hs := httpserver.New(a.Handler(), httpserver.Config{MaxConns: 64, MaxConnsPerIP: 32, Observer: observe}, log)
	ln, err := net.Listen("tcp", cfg.Admin.Listen)
	if err != nil {
		return nil, fmt.Errorf("admin listen: %w", err)
	}
	if tlsConfig != nil {
		go func() { errc <- hs.ServeTLS(ln, tlsConfig) }()
	} else {
		go func() { errc <- hs.Serve(ln) }()
	}
	listening("admin", ln.Addr().String())
	return hs, nil
}
