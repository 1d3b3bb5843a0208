package skladflowtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/service"
	"github.com/skladflow/skladflow/storage/storagetest"
)

// PostgresEnv holds a PostgreSQL URL (e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the
// service on instead of SQLite: each Harness gets a schema of its own in
// that database, dropped by Close.
const PostgresEnv = "SKLADFLOW_E2E_POSTGRES"

// ErrNoService is returned by helpers that need the in-process service
// when Options.NoService was set.
var ErrNoService = errors.New("skladflowtest: the service is not running in-process (Options.NoService)")

// Harness is a skladflow installation on the emulators.
type Harness struct {
	// MoySklad, FBox and CDEK are the emulators; CDEK is nil without
	// Options.CDEK.
	MoySklad *moyskladtest.Server
	FBox     *fboxtest.Server
	CDEK     *cdektest.Server
	// Config is the validated configuration, defaults applied.
	Config *config.Config
	// Service is the running service; nil with Options.NoService.
	Service *service.Service
	// Store is the warehouse's MoySklad store, Other a store that is no
	// warehouse.
	Store, Other moysklad.Store
	// FBox2 and Store2 are the second warehouse's, with
	// Options.SecondWarehouse.
	FBox2  *fboxtest.Server
	Store2 moysklad.Store
	// Defect and LongStorage are the warehouse's stores for defective
	// units and long storage, with Options.DefectStore and
	// Options.LongStorageStore.
	Defect, LongStorage moysklad.Store
	// Products are Options.Products as added to MoySklad, in order.
	Products []moysklad.Product

	opts     Options
	database string       // the configuration's database: a file in Dir, or a PostgreSQL schema's URL
	addr     string       // the service's address, the same across StopService and StartService
	stop     func() error // shuts the running service down, once; nil when none runs
	cancel   context.CancelFunc
	closers  []func() // run in reverse by Close
}

// New starts the emulators, seeds the stores and products, builds the
// configuration and, unless Options.NoService, builds, starts and
// provisions the service on a free local port. Close releases it all, also
// after an error.
func New(ctx context.Context, o Options) (h *Harness, err error) {
	o.setDefaults()
	resolveLocalhost()
	h = &Harness{}
	defer func() {
		if err != nil {
			h.Close()
			h = nil
		}
	}()
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "skladflowtest-")
		if err != nil {
			return h, err
		}
		h.onClose(func() { os.RemoveAll(dir) })
		o.Dir = dir
	}
	h.opts = o
	if h.database, err = h.newDatabase(ctx); err != nil {
		return h, err
	}
	// The port comes first: the public URL is in the configuration and in
	// the warehouse's push address.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return h, err
	}
	h.onClose(func() { ln.Close() }) // no-op once the service has served on it
	addr := ln.Addr().String()
	h.addr = addr
	h.startEmulators(addr)
	if h.Config, err = h.buildConfig(addr); err != nil {
		return h, err
	}
	if o.NoService {
		// The caller runs the binary on this address.
		return h, ln.Close()
	}
	return h, h.startService(ctx, ln)
}

// Close stops the service and the emulators and removes what New created.
func (h *Harness) Close() {
	for i := len(h.closers) - 1; i >= 0; i-- {
		h.closers[i]()
	}
	h.closers = nil
}

// newDatabase is a file in Dir or, with PostgresEnv set, the URL of a fresh
// PostgreSQL schema that Close drops (after the service, closed later in
// New, has let go of it).
func (h *Harness) newDatabase(ctx context.Context) (string, error) {
	base := cmp.Or(h.opts.Postgres, os.Getenv(PostgresEnv))
	if base == "" || h.opts.SQLite {
		return filepath.Join(h.opts.Dir, "skladflow.db"), nil
	}
	return h.NewPostgresSchema(ctx, base)
}

// NewPostgresSchema creates a schema in the PostgreSQL database at base
// and returns its URL; Close drops it, after the service started before
// or after it has let go of it.
func (h *Harness) NewPostgresSchema(ctx context.Context, base string) (string, error) {
	dsn, drop, err := storagetest.NewSchema(ctx, base)
	if err != nil {
		return "", err
	}
	h.onClose(func() {
		if err := drop(); err != nil {
			fmt.Fprintf(os.Stderr, "skladflowtest: %v\n", err)
		}
	})
	return dsn, nil
}

func (h *Harness) onClose(f func()) { h.closers = append(h.closers, f) }

func (h *Harness) startEmulators(addr string) {
	o := h.opts
	h.MoySklad = moyskladtest.NewServer(o.MoySklad)
	h.onClose(h.MoySklad.Close)
	fb := o.FBox
	if o.Push {
		fb.PushURL = "http://" + addr + "/hooks/fulfillment/" + url.PathEscape(Warehouse)
		fb.PushKey = pushKey
	}
	h.FBox = fboxtest.NewServer(fb)
	h.onClose(h.FBox.Close)
	if o.CDEK != nil {
		h.CDEK = cdektest.NewServer(*o.CDEK)
		h.onClose(h.CDEK.Close)
	}
	h.Store = h.MoySklad.AddStore(StoreName)
	h.Other = h.MoySklad.AddStore(OtherStore)
	if o.SecondWarehouse {
		h.FBox2 = fboxtest.NewServer(fboxtest.Options{})
		h.onClose(h.FBox2.Close)
		h.Store2 = h.MoySklad.AddStore(SecondStoreName)
	}
	if o.DefectStore {
		h.Defect = h.MoySklad.AddStore(DefectStoreName)
	}
	if o.LongStorageStore {
		h.LongStorage = h.MoySklad.AddStore(LongStorageStoreName)
	}
	for _, p := range o.Products {
		h.Products = append(h.Products, h.MoySklad.AddProduct(p))
	}
}

func (h *Harness) startService(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	h.onClose(cancel)
	svc, err := service.New(ctx, h.Config, service.Options{Logger: h.opts.Logger, FetchPollInterval: h.opts.FetchPollInterval,
		RetryPolicy: h.opts.RetryPolicy, RetryBudget: h.opts.RetryBudget})
	if err != nil {
		return err
	}
	if err := svc.Start(ctx, ln); err != nil {
		return errors.Join(err, svc.Shutdown(ctx))
	}
	h.Service = svc
	// Once: by StopService, or by Close (a service started after a
	// database is shut down before the database is dropped).
	var once sync.Once
	var shutdownErr error
	stop := func() error {
		once.Do(func() {
			sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
			defer c()
			shutdownErr = svc.Shutdown(sctx)
		})
		return shutdownErr
	}
	h.stop = stop
	h.onClose(func() { _ = stop() })
	_, err = svc.Provision(ctx)
	return err
}

// StopService shuts the in-process service down as a SIGTERM does: what
// it stored stays in the database, unfinished jobs included.
func (h *Harness) StopService() error {
	if h.Service == nil {
		return ErrNoService
	}
	stop := h.stop
	h.Service, h.stop = nil, nil
	return stop()
}

// StartService starts the service again, after StopService, on the same
// address with the configuration's database set to database (a SQLite file
// or a PostgreSQL URL, e.g. one of NewPostgresSchema); Close shuts it down.
func (h *Harness) StartService(ctx context.Context, database string) error {
	if h.Service != nil {
		return errors.New("skladflowtest: the service is running: StopService first")
	}
	ln, err := net.Listen("tcp", h.addr)
	if err != nil {
		return err
	}
	h.onClose(func() { ln.Close() })
	h.Config.Database, h.database = database, database
	return h.startService(ctx, ln)
}

// Database is the configuration's database: a SQLite file or a PostgreSQL URL.
func (h *Harness) Database() string { return h.database }
