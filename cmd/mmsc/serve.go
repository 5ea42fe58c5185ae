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
	"strings"
	"sync"
	"time"

	"github.com/mmsc-project/mmsc/internal/mm1"
	"github.com/mmsc-project/mmsc/internal/mms"
	"github.com/mmsc-project/mmsc/internal/queue"
	"github.com/mmsc-project/mmsc/internal/relay"
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
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	return serve(ctx, cfg, log, func(what, addr string) {
		fmt.Fprintf(e.stdout, "mmsc: %s listening on %s\n", what, addr)
	})
}

// serve runs the MMSC until ctx ends. listening is told each address once
// it accepts connections.
func serve(ctx context.Context, cfg Config, log *slog.Logger, listening func(what, addr string)) error {
	st, err := cfg.openStore(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if version, _, err := st.SchemaVersion(ctx); err == nil {
		log.Info("store open", "driver", cfg.Store.Driver, "schema_version", version)
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
	// the SMS link, then the queue that uses it.
	peers := newPeers(cfg.LocalHost, log)
	defer peers.close() // after the queues below have stopped using it
	bg, stopBackground := context.WithCancel(context.Background())
	receipts := make(receiptQueue, 1024)
	var background sync.WaitGroup
	defer func() { stopBackground(); background.Wait() }()
	sms := smpp.New(smpp.Config{
		Address:          cfg.SMPP.Address,
		SystemID:         cfg.SMPP.SystemID,
		Password:         cfg.SMPP.Password,
		SystemType:       cfg.SMPP.SystemType,
		SourceAddr:       cfg.SMPP.SourceAddr,
		SubmitsPerSecond: cfg.SMPP.SubmitsPerSecond,
	}, log, receipts.take)
	background.Add(3)
	go func() { defer background.Done(); receipts.record(bg, st, log) }()
	go func() { defer background.Done(); sms.Run(bg) }()
	lease := time.Duration(cfg.Store.Lease)
	pagePush := wappush.NewPagePush(sms, publicURL, cfg.WAPPush.Mode, cfg.WAPPush.Text)
	attempts := relay.NewMM1(st, wappush.NewNotifier(sms, publicURL), relay.MM1Policy{
		RenotifyAfter:    time.Duration(cfg.MM1.RenotifyAfter),
		MaxNotifications: cfg.MM1.MaxNotifications,
		ConvertAfter:     time.Duration(cfg.MM1.ConvertAfter),
		WebLink:          pagePush,
	}, nil)
	q := queue.New(st, attempts, queue.Config{
		Owner: leaseOwner(), LeaseFor: lease, Routes: []mms.Route{mms.RouteMM1}, Ready: sms.Connected,
	}, log)
	go func() { defer background.Done(); q.Run(bg) }()
	pages := queue.New(st, relay.NewMM1(st, pagePush, relay.MM1Policy{MaxNotifications: 1}, nil),
		queue.Config{Owner: leaseOwner(), LeaseFor: lease, Routes: []mms.Route{mms.RouteWAPPush, mms.RouteWebLink}, Ready: sms.Connected}, log)
	background.Add(1)
	go func() { defer background.Done(); pages.Run(bg) }()
	system := cfg.MM4.SystemUser + "@" + cfg.MMSDomain
	forwards := queue.New(st, relay.NewMM4(st, st, peers, relay.MM4Policy{
		MMSDomain: cfg.MMSDomain, SystemAddress: system, MaxForwards: cfg.MM4.MaxForwards,
	}, nil), queue.Config{Owner: leaseOwner(), LeaseFor: lease, Routes: []mms.Route{"mm4:*"}}, log)
	outbox := queue.New(st.Outbox(), relay.NewOutbox(st.Outbox(), st, st, peers,
		relay.OutboxConfig{MMSDomain: cfg.MMSDomain, SystemAddress: system}, log, nil),
		queue.Config{Owner: leaseOwner(), LeaseFor: lease}, log)
	st.OnOutbox(outbox.Wake)
	st.OnWork(wakeRoute(q, pages, forwards, outbox))
	background.Add(2)
	go func() { defer background.Done(); forwards.Run(bg) }()
	go func() { defer background.Done(); outbox.Run(bg) }()
	retain := time.Duration(cfg.MM1.RetainDays) * 24 * time.Hour
	background.Add(1)
	go func() { defer background.Done(); purge(bg, st, retain, log) }()

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
		SystemUser:      cfg.MM4.SystemUser,
		Answers:         relay.NewAnswers(st, system, log, nil),
	}, accounts{st}, relay.New(st, relay.Config{
		LocalNumbers:     mms.Masks(cfg.MM1.LocalNumbers),
		Retain:           retain,
		Wake:             wakeFor(q, pages, forwards, outbox),
		Routes:           st,
		SystemAddress:    system,
		Log:              log,
		Callback:         routingCallback(cfg),
		ForceCallback:    cfg.MM4.RoutingForce,
		CallbackFallback: cfg.MM4.RoutingFallback,
	}), log)

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

	handsets := mm1.New(st, mm1.Config{MSISDNHeaders: cfg.MM1.MSISDNHeaders}, log)
	pageViews := web.New(st, web.Config{ExpireAfterFirstAccess: time.Duration(cfg.WAPPush.ExpireAfterFirstAccess)}, log)
	hs := &http.Server{Handler: httpHandler(st, handsets, pageViews, urlPath(publicURL)), ReadHeaderTimeout: 10 * time.Second}
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

// receiptQueue carries SMSC delivery receipts from the SMS link, which must
// not wait for the store, to the goroutine that records them.
type receiptQueue chan pendingReceipt

type pendingReceipt struct {
	smpp.Receipt
	tries int
}

// A receipt can overtake the record of its submit (the SMSC answers the
// submit, then the receipt, before the queue has stored the answer): one
// that matches nothing is tried again a few times.
const (
	receiptTries = 4
	receiptRetry = time.Second
)

func (q receiptQueue) take(r smpp.Receipt) { q.offer(pendingReceipt{Receipt: r}) }

func (q receiptQueue) offer(p pendingReceipt) {
	select {
	case q <- p:
	default: // a flood of receipts: they are informative, the link is not
	}
}

func (q receiptQueue) record(ctx context.Context, st *store.Store, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-q:
			known, err := st.SMSReceipt(ctx, r.MessageID, r.Stat, time.Now())
			if err != nil {
				if ctx.Err() == nil {
					log.Error("smpp: could not record a delivery receipt", "smsc_id", r.MessageID, "err", err)
				}
				continue
			}
			if !known && r.tries+1 < receiptTries {
				r.tries++
				time.AfterFunc(receiptRetry, func() { q.offer(r) })
				continue
			}
			log.Info("smpp: delivery receipt", "smsc_id", r.MessageID, "stat", r.Stat, "err", r.Err, "to", r.From, "known", known)
		}
	}
}

// purge deletes, at start and then hourly, the messages that are past
// retention and final for every recipient, and the content they used.
func purge(ctx context.Context, st *store.Store, retain time.Duration, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		now := time.Now()
		p, err := st.Purge(ctx, now.Add(-retain), now)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention: purge failed; trying again in an hour", "err", err)
		case p.Messages > 0 || p.Segments > 0:
			log.Info("retention: purged", "messages", p.Messages, "segments", p.Segments)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// wakeFor wakes the queues that have work in a new message: handsets,
// peers, the outbox.
func wakeFor(handsets, pages, peers, outbox *queue.Queue) func(*mms.Message) {
	wake := wakeRoute(handsets, pages, peers, outbox)
	return func(m *mms.Message) {
		for _, rc := range m.Recipients {
			wake(rc.Route) // a queue's Wake is cheap to repeat: it coalesces
		}
		if len(m.Outbox) > 0 {
			outbox.Wake()
		}
	}
}

// wakeRoute wakes the queue that delivers on route: for a new message
// here, or for work another node announced.
func wakeRoute(handsets, pages, peers, outbox *queue.Queue) func(mms.Route) {
	return func(r mms.Route) {
		if r == store.AllRoutes {
			handsets.Wake()
			pages.Wake()
			peers.Wake()
			outbox.Wake()
			return
		}
		switch {
		case r == mms.RouteMM1:
			handsets.Wake()
		case r == mms.RouteWAPPush || r == mms.RouteWebLink:
			pages.Wake()
		case strings.HasPrefix(string(r), "mm4:"):
			peers.Wake()
		case r == store.OutboxRoute:
			outbox.Wake()
		}
	}
}

// routingCallback is the configured routing callback, or nil.
func routingCallback(cfg Config) relay.Callback {
	if cfg.MM4.RoutingURL == "" {
		return nil
	}
	return routecheck.New(cfg.MM4.RoutingURL, time.Duration(cfg.MM4.RoutingTimeout))
}

// leaseOwner names this process's leases on delivery rows: unique among
// processes that share a store, and telling in a listing.
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

// httpHandler serves handsets (MM1) under prefix, and health.
func httpHandler(st *store.Store, handsets *mm1.Handler, pages *web.Handler, prefix string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := st.Messages(r.Context(), 1); err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	handsets.Register(mux, prefix)
	pages.Register(mux, prefix)
	return mux
}

// accounts gives smtpd the store's accounts in smtpd's terms.
type accounts struct{ st *store.Store }

func (a accounts) Account(ctx context.Context, name string) (vasp.Account, error) {
	acc, err := a.st.Account(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return acc, fmt.Errorf("%w: %s", smtpd.ErrNoAccount, name)
	}
	return acc, err
}
