package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/accept"
	"github.com/mmsc-project/mmsc/internal/delivery"
	"github.com/mmsc-project/mmsc/internal/httpserver"
	"github.com/mmsc-project/mmsc/internal/metrics"
	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mm4"
	"github.com/mmsc-project/mmsc/internal/mm4out"
	"github.com/mmsc-project/mmsc/internal/mm7"
	"github.com/mmsc-project/mmsc/internal/mm7out"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/routecheck"
	"github.com/mmsc-project/mmsc/internal/smpp"
	"github.com/mmsc-project/mmsc/internal/smtpd"
	"github.com/mmsc-project/mmsc/internal/store"
	"github.com/mmsc-project/mmsc/internal/vasp"
	"github.com/mmsc-project/mmsc/internal/wappush"
	"github.com/mmsc-project/mmsc/internal/web"
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
	log := newLoggerAs(e.stderr, cfg.Log.Format)
	return serve(ctx, cfg, log, metrics.New(log), func(what, addr string) {
		fmt.Fprintf(e.stdout, "mmsc: %s listening on %s\n", what, addr)
	})
}

// serve runs the MMSC until ctx ends, measured by m (nil: not measured).
// listening is told each address once it accepts connections.
func serve(ctx context.Context, cfg Config, log *slog.Logger, m *metrics.Metrics, listening func(what, addr string)) error {
	obs := observe(m)
	st, err := cfg.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	// One name for this node in its leases and in the events it records.
	node := leaseOwner()
	st.SetNode(node)
	if version, _, err := st.SchemaVersion(ctx); err == nil {
		log.Info("store open", "driver", cfg.Store.Driver, "schema_version", version)
	}
	if err := measureStore(m, st); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	// Deferred before delivery is, so it stops after it.
	stopCDRs, err := startCDRs(cfg.CDR, st, log)
	if err != nil {
		return err
	}
	defer stopCDRs()

	trusted, err := cfg.trustedProxies()
	if err != nil {
		return fmt.Errorf("mm1.trusted_proxies: %w", err)
	}
	var tlsConfig *tls.Config
	if cfg.SMTP.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.SMTP.CertFile, cfg.SMTP.KeyFile)
		if err != nil {
			return fmt.Errorf("smtp TLS certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	// Handsets are pointed at the HTTP listener, so it is bound first: with
	// port 0 its real port goes into the URLs.
	httpLn, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("http listen: %w", err)
	}
	defer httpLn.Close()
	publicURL := cfg.publicURL(httpLn.Addr())

	// Delivery runs in the background until the listeners have stopped:
	// the SMS link, then the engine that uses it.
	mm4Client := mm4out.New(mm4out.Config{}, log)
	defer mm4Client.Close() // after the engine below has stopped using it
	system := cfg.MM4.SystemUser + "@" + cfg.MMSDomain
	peers := mm4out.NewTransport(mm4Client, mm4out.TransportConfig{HELO: cfg.LocalHost, MMSDomain: cfg.MMSDomain, SystemAddress: system,
		Observer: obs.mm4out})
	bg, stopBackground := context.WithCancel(context.Background())
	var background sync.WaitGroup
	defer func() { stopBackground(); background.Wait() }()
	var engine *delivery.Engine
	sms := smpp.New(smpp.Config{
		Address:          cfg.SMPP.Address,
		SystemID:         cfg.SMPP.SystemID,
		Password:         cfg.SMPP.Password,
		SystemType:       cfg.SMPP.SystemType,
		SourceAddr:       cfg.SMPP.SourceAddr,
		SubmitsPerSecond: cfg.SMPP.SubmitsPerSecond,
		Observer:         obs.smpp,
	}, log, func(r smpp.Receipt) {
		engine.Receipt(delivery.Receipt{SMSCID: r.MessageID, Stat: r.Stat, Err: r.Err, To: r.From})
	})
	retain := time.Duration(cfg.MM1.RetainDays) * 24 * time.Hour
	handsetPush := wappush.NewNotifier(sms, publicURL)
	// The accept path asks of the sender's account per message (its
	// rate; whether it takes reports): read through a cache.
	directory := vasp.NewCache(st, vasp.DefaultCacheTTL, nil)
	mm7Reports := mm7out.NewReporter(directory, cfg.MMSDomain, obs.mm7out)
	engine = delivery.New(st, st.Outbox(), delivery.Transports{
		Notify: handsetPush,
		Pages:  wappush.NewPagePush(sms, publicURL, cfg.WAPPush.Mode, cfg.WAPPush.Text),
		Peers:  peers,
		VASPs:  mm7out.NewDeliverer(st, cfg.MMSDomain, obs.mm7out),
		Reports: map[mms.Interface]delivery.Reporter{
			// A VASP that submits over MM4 but has an MM7 URL wants its
			// reports over MM7.
			mms.InterfaceMM4: mm7out.NewPreferMM7(mm7Reports,
				mm4out.NewReporter(peers, directory, mm4out.ReporterConfig{MMSDomain: cfg.MMSDomain, SystemAddress: system})),
			mms.InterfaceMM1: handsetPush,
			mms.InterfaceMM7: mm7Reports,
		},
		Ready: sms.Connected,
	}, delivery.Config{
		Owner:    node,
		LeaseFor: time.Duration(cfg.Store.Lease),
		Sweep:    cfg.sweep(),
		MM1: delivery.MM1Policy{
			RenotifyAfter:    time.Duration(cfg.MM1.RenotifyAfter),
			MaxNotifications: cfg.MM1.MaxNotifications,
			ConvertAfter:     time.Duration(cfg.MM1.ConvertAfter),
		},
		MM4:      delivery.MM4Policy{MaxForwards: cfg.MM4.MaxForwards},
		Retain:   retain,
		Observer: obs.delivery,
	}, log)
	background.Add(2)
	go func() { defer background.Done(); sms.Run(bg) }()
	go func() { defer background.Done(); engine.Run(bg) }()

	// Connections from outside never take the descriptors the store and
	// delivery need.
	limit := descriptorLimit()
	smtpConns, httpConns, fit := listenerCaps(limit, cfg.SMTP.MaxConns, cfg.HTTP.MaxConns)
	if !fit {
		log.Warn("listener connection caps lowered to fit the open-file limit; raise the limit (ulimit -n, systemd LimitNOFILE=) or lower max_connections",
			"open_file_limit", limit, "smtp.max_connections", smtpConns, "http.max_connections", httpConns)
	}
	httpBounds := cfg.HTTP.server()
	httpBounds.MaxConns = httpConns
	httpBounds.Observer = obs.http

	// Failed logins count together over MM4 and MM7.
	logins := vasp.NewGate(vasp.NewThrottle(cfg.SMTP.AuthFailureLimit, time.Minute, nil), nil)
	accepted := accept.New(st, accept.Config{
		LocalNumbers:     mms.Masks(cfg.MM1.LocalNumbers),
		Retain:           retain,
		Wake:             engine.Wake,
		Routes:           st,
		RefuseUnroutable: []mms.Interface{mms.InterfaceMM1, mms.InterfaceMM7},
		Pace:             vasp.NewPacer(directory),
		Responders:       map[mms.Interface]accept.Responder{mms.InterfaceMM4: mm4.ForwardResponder{System: system}},
		Reach:            engine,
		Log:              log,
		Callback:         routingCallback(cfg),
		ForceCallback:    cfg.MM4.RoutingForce,
		CallbackFallback: cfg.MM4.RoutingFallback,
		Observer:         obs.accept,
	})
	srv := smtpd.New(smtpd.Config{
		LocalHost:          cfg.LocalHost,
		MMSDomain:          cfg.MMSDomain,
		MaxMessageBytes:    cfg.SMTP.MaxMessageSize,
		MaxRecipients:      cfg.SMTP.MaxRecipients,
		MaxConnsPerIP:      cfg.SMTP.MaxConnsPerIP,
		MaxConns:           smtpConns,
		MaxConnsPerAccount: cfg.SMTP.MaxConnsPerAcct,
		AuthFailures:       cfg.SMTP.AuthFailureLimit,
		ReadTimeout:        time.Duration(cfg.SMTP.ReadTimeout),
		DataTimeout:        time.Duration(cfg.SMTP.DataTimeout),
		TLS:                tlsConfig,
		SystemUser:         cfg.MM4.SystemUser,
		Logins:             logins,
		Answers:            engine.Answers(),
		Observer:           obs.mm4,
	}, accounts{st}, accepted, log)

	errc := make(chan error, 4)
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

	if cfg.Admin.Listen != "" {
		as, err := serveAdmin(cfg, st, engine, sms.Connected, metricsHandler(m), obs.http, log, errc, listening)
		if err != nil {
			srv.Close()
			return err
		}
		defer func() {
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			as.Shutdown(shut)
		}()
	}

	handsets := mm1.New(st, engine.Handsets(), mm1.Config{MSISDNHeaders: cfg.MM1.MSISDNHeaders, TrustedProxies: trusted,
		MaxMessage: cfg.MM1.MaxMessageSize, Accept: accepted, Observer: obs.mm1}, log)
	pageViews := web.New(st, engine.Handsets(), web.Config{ExpireAfterFirstAccess: time.Duration(cfg.WAPPush.ExpireAfterFirstAccess)}, log)
	vasps := mm7.New(st, accepted, mm7.Config{MaxMessage: cfg.MM7.MaxMessageSize, Logins: logins, Cancel: engine, Replace: accepted, Linked: st,
		Observer: obs.mm7}, log)
	hs := httpserver.New(httpHandler(st, urlPath(publicURL), handsets, pageViews, vasps), httpBounds, log)
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

// sweep is how often the delivery queues look for work nobody announced:
// often where other nodes share the store (their wake-ups may be lost,
// and they die); on SQLite this process is the only writer and is told of
// all its work, so the queues' long default stands.
func (c Config) sweep() time.Duration {
	if c.Store.Driver == driverPostgres {
		return delivery.ClusterSweep
	}
	return 0
}

// routingCallback is the configured routing callback, or nil.
func routingCallback(cfg Config) accept.Callback {
	if cfg.MM4.RoutingURL == "" {
		return nil
	}
	return routecheck.New(cfg.MM4.RoutingURL, time.Duration(cfg.MM4.RoutingTimeout))
}

// leaseOwner names this process's leases on delivery rows, and the events
// it records: unique among processes that share a store, and telling in a
// listing.
func leaseOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), mms.NewTransactionID()[:6])
}

// urlPath is the path of u: handset URLs are served under it, so that a
// proxy can forward "https://mms.example.net/mmsc/..." to mmsc unchanged.
func urlPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}

// registrar is an HTTP edge: it mounts its routes under a prefix.
type registrar interface {
	Register(mux *http.ServeMux, prefix string)
}

// httpHandler serves the HTTP edges under prefix (handsets' MM1, pages,
// VASPs' MM7), and health.
func httpHandler(st *store.Store, prefix string, edges ...registrar) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := st.Messages(r.Context(), 1); err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	for _, e := range edges {
		e.Register(mux, prefix)
	}
	return mux
}

// accounts gives smtpd the store's accounts in smtpd's terms.
type accounts struct{ st *store.Store }

func (a accounts) Account(ctx context.Context, name string) (vasp.Account, error) {
	acc, err := a.st.Account(ctx, name)
	if errors.Is(err, mms.ErrNotFound) {
		return acc, fmt.Errorf("%w: %s", smtpd.ErrNoAccount, name)
	}
	return acc, err
}
