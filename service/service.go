// Package service wires skladflow together from a configuration: clients,
// storage and its job queue, the orchestrator and the HTTP edge. serve,
// demo and the end-to-end tests all run it.
package service

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/alerts"
	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows"
	"github.com/skladflow/skladflow/flows/stockcheck"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/batching"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/provision"
	"github.com/skladflow/skladflow/stdwebhooks"
	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

// Options are what a configuration file does not say.
type Options struct {
	// Logger defaults to discarding.
	Logger *slog.Logger
	// FetchPollInterval is how often idle workers look for jobs.
	// Defaults to storage's default.
	FetchPollInterval time.Duration
	// RetryPolicy overrides the job retry schedule (tests). Defaults to
	// storage's default.
	RetryPolicy river.ClientRetryPolicy
	// RetryBudget bounds in-process retries of one call to MoySklad or a
	// warehouse; longer outages are retried by the job queue. Defaults to
	// each client's default.
	RetryBudget time.Duration
}

// Service is a running skladflow.
type Service struct {
	cfg      *config.Config
	metrics  *metrics.Set
	watcher  *alerts.Watcher
	stop     chan struct{}
	stopped  chan struct{}
	log      *slog.Logger
	MoySklad *moysklad.Client
	// Documents is the MoySklad client the flows read and write documents
	// through, batching them.
	Documents *batching.Client
	CDEK      *cdek.Client // nil without a cdek section
	Store     *storage.Store
	edge      *webhooks.Server
	http      *http.Server
	parity    *stockcheck.Checker
}

// New builds the service: it resolves the warehouses' stores in MoySklad,
// opens the database (running migrations) and makes sure every status the
// flows write exists.
func New(ctx context.Context, cfg *config.Config, opts Options) (*Service, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := metrics.NewSet()
	// MoySklad's rate limit is the account's: replicas on one PostgreSQL
	// database book their requests' starts in it. A SQLite file has one
	// process, whose own memory is enough.
	var pacing *sharedPacing
	var schedule moysklad.Schedule
	if storage.IsPostgres(cfg.Database) {
		pacing = newSharedPacing()
		schedule = pacing
	}
	ms, err := moysklad.NewClient(moysklad.Config{
		HTTPClient:    instrumented(m, "moysklad"),
		BaseURL:       cfg.MoySklad.BaseURL,
		Token:         cfg.MoySklad.Token,
		WebhookPrefix: cfg.PublicURL,
		RequestCost:   cfg.MoySklad.RequestCost,
		MaxInFlight:   cfg.MoySklad.MaxInFlight,
		Schedule:      schedule,
		RetryBudget:   opts.RetryBudget,
		Logger:        log.With("peer", "moysklad"),
	})
	if err != nil {
		return nil, err
	}
	// The flows read and write their documents through the batching: the
	// jobs of a bulk status change share list requests and mass updates,
	// and a job's read brings the documents whose jobs are queued behind
	// it. The store opens below, before any job runs.
	var store *storage.Store
	docs, err := batching.New(ms, batching.Config{Window: cfg.MoySklad.BatchWindow.Duration, Logger: log.With("peer", "moysklad"),
		Queued: func(ctx context.Context, typ string, limit int) ([]string, error) {
			return store.QueuedDocuments(ctx, typ, limit)
		}})
	if err != nil {
		return nil, err
	}
	orch, err := orchestrator.New(orchestrator.Config{
		RetryHorizon:      cfg.Queue.RetryHorizon.Duration,
		ReconcileInterval: cfg.MoySklad.ReconcileInterval.Duration,
		HookURL:           provision.HookURL(cfg),
		Metrics:           m,
		Logger:            log,
	}, docs)
	if err != nil {
		return nil, err
	}
	alerter, err := alerts.New(alerts.Config{URL: cfg.Alerts.URL, Format: cfg.Alerts.Format, ChatID: cfg.Alerts.TelegramChatID,
		MinInterval: cfg.Alerts.MinInterval.Duration, Logger: log.With("component", "alerts")})
	if err != nil {
		return nil, err
	}
	cd, err := provision.NewCDEK(cfg, instrumented(m, "cdek"))
	if err != nil {
		return nil, err
	}
	parity, err := stockcheck.New(stockcheck.Config{MoySklad: ms, Interval: cfg.Stock.CheckInterval.Duration,
		Horizon: cfg.Stock.Horizon.Duration, Metrics: m, Alerts: alerter})
	if err != nil {
		return nil, err
	}
	fl, err := flows.Build(ctx, cfg, orch, flows.Deps{
		Stores: ms,
		Warehouse: func(w config.Warehouse) (fulfillment.Warehouse, error) {
			return fulfillment.NewClient(fulfillment.Config{
				HTTPClient:  instrumented(m, "fbox"),
				BaseURL:     w.FBox.BaseURL,
				PartnerID:   w.FBox.PartnerID,
				Password:    w.FBox.Password,
				QuotaShare:  w.FBox.QuotaShare,
				RetryBudget: opts.RetryBudget,
				Logger:      log.With("peer", "fbox", "warehouse", w.Name),
			})
		},
		Courier:    courier(cd),
		Assortment: ms,
		Alerts:     alerter,
		Parity:     parity,
	})
	if err != nil {
		return nil, err
	}
	if err := orch.Register(fl...); err != nil {
		return nil, err
	}
	store, err = storage.Open(ctx, storage.Config{
		Path:              cfg.Database,
		Workers:           orch.Workers(),
		PeriodicJobs:      orch.PeriodicJobs(),
		Middleware:        orch.Middleware(),
		MaxWorkers:        cfg.Queue.Workers,
		IngestQueue:       cfg.Queue.IngestQueue,
		IngestWindow:      cfg.Queue.IngestWindow.Duration,
		FetchPollInterval: opts.FetchPollInterval,
		RetryPolicy:       opts.RetryPolicy,
		Logger:            log.With("component", "storage"),
	})
	if err != nil {
		return nil, err
	}
	orch.Attach(store)
	if pacing != nil {
		pacing.attach(store)
	}
	keys := map[string][]byte{}
	for _, w := range cfg.Warehouses {
		if w.CallbackSecret != "" {
			keys[w.Name], _ = stdwebhooks.Key(w.CallbackSecret) // validated with the config
		}
	}
	edge, err := webhooks.New(webhooks.Config{
		WarehouseKeys:   keys,
		MoySkladSecret:  cfg.MoySklad.WebhookSecret,
		IntegrationUID:  cfg.MoySklad.IntegrationUID,
		DocumentTypes:   flows.DocumentTypes(cfg),
		AssortmentTypes: flows.AssortmentTypes(cfg),
		CDEKSecret:      cdekSecret(cfg),
		Orders:          store,
		StockChecks:     store,
		UnlinkedReturns: unlinkedReturns(store),
		Ready:           store.Ping,
		AdminUser:       cfg.Admin.User,
		AdminPassword:   cfg.Admin.Password,
		StuckAfter:      cfg.Admin.StuckAfter.Duration,
		Metrics:         m,
		Logger:          log.With("component", "http"),
	}, store, store)
	if err != nil {
		store.Close()
		return nil, err
	}
	m.Registry.OnScrape(bounded(func(ctx context.Context) {
		scrape(ctx, m, ms, docs, store, cfg.Admin.StuckAfter.Duration, log)
	}))
	m.Registry.OnScrape(bounded(func(ctx context.Context) {
		if err := parity.Scrape(ctx); err != nil {
			log.Warn("metrics: stock discrepancies", "err", err)
		}
	}))
	return &Service{cfg: cfg, log: log, metrics: m, watcher: alerts.NewWatcher(alerter), MoySklad: ms, Documents: docs, CDEK: cd, Store: store, edge: edge,
		parity: parity}, nil
}

// scrapeTimeout bounds each refresh of the gauges read from the database.
// A database host that stopped answering would otherwise hold /metrics
// (and the alert watcher, which refreshes the same gauges) until TCP gives
// up: the scrape answers with the last values instead, within Prometheus'
// default 10 s scrape timeout.
const scrapeTimeout = 2 * time.Second

// bounded is a scrape refresh with its own scrapeTimeout.
func bounded(refresh func(context.Context)) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
		defer cancel()
		refresh(ctx)
	}
}

// courier is the CDEK client as the delivery flow's port: nil (no flow)
// without a cdek section, never a typed nil.
func courier(cd *cdek.Client) cdek.Courier {
	if cd == nil {
		return nil
	}
	return cd
}

func cdekSecret(cfg *config.Config) string {
	if cfg.CDEK == nil {
		return ""
	}
	return cfg.CDEK.WebhookSecret
}

// instrumented is a keep-alive HTTP client whose requests are counted.
func instrumented(m *metrics.Set, peer string) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.IdleConnTimeout = 25 * time.Second // MoySklad: do not reuse connections idle for 30 s
	if peer == "moysklad" {
		t.DisableCompression = true // the client asks for gzip and decodes it itself
	}
	return &http.Client{Transport: metrics.Transport(t, m.OutboundCalls, peer)}
}

// scrape refreshes the gauges read from the database and the clients.
func scrape(ctx context.Context, m *metrics.Set, ms *moysklad.Client, docs *batching.Client, store *storage.Store, stuckAfter time.Duration, log *slog.Logger) {
	m.LimiterWaits.Set(float64(ms.Stats().LimiterWaits), "moysklad")
	b := docs.BatchStats()
	m.BatchRequests.Set(float64(b.ReadRequests), "read")
	m.BatchRequests.Set(float64(b.WriteRequests), "write")
	m.BatchDocuments.Set(float64(b.DocumentsRead), "read")
	m.BatchDocuments.Set(float64(b.DocumentsWritten), "write")
	if counts, err := store.JobCounts(ctx); err == nil {
		for _, st := range rivertype.JobStates() {
			m.Jobs.Set(float64(counts[string(st)]), string(st))
		}
	} else {
		log.Warn("metrics: job counts", "err", err)
	}
	var settled []string
	for _, st := range fsm.Settled() {
		settled = append(settled, string(st))
	}
	if n, err := store.CountStuck(ctx, time.Now().Add(-stuckAfter), settled...); err == nil {
		m.StuckDocuments.Set(float64(n))
	} else {
		log.Warn("metrics: stuck documents", "err", err)
	}
}

// Handler is the HTTP edge.
func (s *Service) Handler() http.Handler { return s.edge.Handler() }

// Start works jobs and serves HTTP on ln (or on cfg.Listen when ln is nil).
func (s *Service) Start(ctx context.Context, ln net.Listener) error {
	if err := s.Store.Start(ctx); err != nil {
		return err
	}
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.cfg.Listen); err != nil {
			return err
		}
	}
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server", "err", err)
		}
	}()
	s.stop, s.stopped = make(chan struct{}), make(chan struct{})
	go s.watch()
	s.log.Info("skladflow started", "listen", ln.Addr().String())
	return nil
}

// watch looks for problems to alert on, every alerts.check_interval.
func (s *Service) watch() {
	defer close(s.stopped)
	t := time.NewTicker(s.cfg.Alerts.CheckInterval.Duration)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.metrics.Registry.Refresh()
			snap := alerts.Snapshot{Calls: map[string]map[string]float64{},
				Stuck: int(s.metrics.StuckDocuments.Value()), DisabledWebhooks: int(s.metrics.DisabledWebhooks.Value())}
			s.metrics.OutboundCalls.Each(func(l []string, v float64) {
				if snap.Calls[l[0]] == nil {
					snap.Calls[l[0]] = map[string]float64{}
				}
				snap.Calls[l[0]][l[1]] = v
			})
			s.watcher.Check(context.Background(), snap)
		}
	}
}

// Shutdown stops taking requests, lets running jobs finish, and closes the
// database — in that order.
func (s *Service) Shutdown(ctx context.Context) error {
	var errs []error
	if s.http != nil {
		errs = append(errs, s.http.Shutdown(ctx))
	}
	if s.stop != nil {
		close(s.stop)
		<-s.stopped
	}
	errs = append(errs, s.Store.Stop(ctx), s.Store.Close())
	return errors.Join(errs...)
}

// Provision creates what is missing in MoySklad and CDEK — the statuses of
// the flows, the CDEK number's custom field and the webhook subscriptions —
// and returns what it did. It never creates anything twice: replicas
// starting together take turns, so each finds what the one before created.
func (s *Service) Provision(ctx context.Context) (done []string, err error) {
	err = s.Store.AwaitLease(ctx, provisionLease, s.Store.Replica()+"/provision", func() error {
		p, err := provision.Build(ctx, s.MoySklad, s.CDEK, s.cfg)
		if err != nil {
			return err
		}
		for _, a := range p.Actions {
			done = append(done, a.Text)
		}
		return p.Apply(ctx)
	})
	return done, err
}

// provisionLease is held by the replica preparing MoySklad and CDEK.
const provisionLease = "provision"

// HookURL is where MoySklad sends notifications. It holds the secret.
func (s *Service) HookURL() string {
	return provision.HookURL(s.cfg)
}

// PollNow queues a read of every warehouse feed at once.
func (s *Service) PollNow(ctx context.Context) error {
	for _, w := range s.cfg.Warehouses {
		if _, err := s.Store.River().Insert(ctx, storage.PollFeedArgs{Warehouse: w.Name}, nil); err != nil {
			return err
		}
	}
	return nil
}

// StockCheck compares every warehouse's stock with MoySklad's now and
// records the checks (the stock-check command; the service runs it every
// stock.check_interval). It raises no alert: its caller reads the result.
func (s *Service) StockCheck(ctx context.Context) ([]storage.StockCheck, error) {
	return s.parity.Run(ctx)
}
