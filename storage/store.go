package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // the "sqlite" driver
)

// Sentinel errors.
var (
	ErrNotFound = errors.New("storage: not found")
	ErrConflict = errors.New("storage: concurrent change")
)

// DefaultMaxWorkers is how many jobs run at once unless configured: jobs
// mostly wait for MoySklad and the warehouse, and those that wait together
// share one batched MoySklad request (moysklad/batching).
const DefaultMaxWorkers = 16

// Config configures the store.
type Config struct {
	// Path is the SQLite file, or a postgres:// (postgresql://) URL to
	// keep the state in PostgreSQL instead. Required.
	Path string
	// Workers are the job workers; nil means insert-only. Defaults to nil.
	Workers *river.Workers
	// PeriodicJobs are inserted on their schedule. Defaults to none.
	PeriodicJobs []*river.PeriodicJob
	// Middleware wraps every job's work. Defaults to none.
	Middleware []rivertype.Middleware
	// MaxWorkers is how many jobs run at once. Defaults to DefaultMaxWorkers.
	MaxWorkers int
	// FetchPollInterval is how often idle workers look for jobs. Defaults to 200ms.
	FetchPollInterval time.Duration
	// RetryPolicy schedules retries. Defaults to exponential backoff with
	// full jitter from 1s, capped at 10 min (River's default waits attempt^4 s).
	RetryPolicy river.ClientRetryPolicy
	// MaxAttempts before a job is discarded. Defaults to 25.
	MaxAttempts int
	// JobTimeout bounds one run. Defaults to 2m.
	JobTimeout time.Duration
	// RescueStuckJobsAfter puts back a job whose process died. Defaults to 5m.
	RescueStuckJobsAfter time.Duration
	// IngestQueue is how many notifications may wait for the writer; when
	// it is full, Accept answers ErrOverloaded at once. Defaults to 4096.
	IngestQueue int
	// IngestWindow is how long the writer waits for more notifications
	// before it commits a batch. Defaults to 0: a batch is what queued
	// while the previous one was being committed.
	IngestWindow time.Duration
	// IngestBatchRows closes a batch at about this many rows. Defaults to 4096.
	IngestBatchRows int
	// FanOutAbove is the number of events above which a notification is
	// stored as one row and fanned out after the answer. Defaults to 16.
	FanOutAbove int
	// Logger defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.MaxWorkers == 0 {
		c.MaxWorkers = DefaultMaxWorkers
	}
	if c.FetchPollInterval == 0 {
		c.FetchPollInterval = 200 * time.Millisecond
	}
	if c.RetryPolicy == nil {
		c.RetryPolicy = &BackoffPolicy{Base: time.Second, Max: 10 * time.Minute}
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 25
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = 2 * time.Minute
	}
	if c.RescueStuckJobsAfter == 0 {
		c.RescueStuckJobsAfter = 5 * time.Minute
	}
	if c.IngestQueue == 0 {
		c.IngestQueue = 4096
	}
	if c.IngestBatchRows == 0 {
		c.IngestBatchRows = 4096
	}
	if c.FanOutAbove == 0 {
		c.FanOutAbove = 16
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

func (c *Config) validate() error {
	if c.Path == "" {
		return errors.New("storage: Path is required")
	}
	if c.IngestQueue < 0 || c.IngestBatchRows < 0 || c.FanOutAbove < 0 || c.IngestWindow < 0 {
		return errors.New("storage: ingest settings must not be negative")
	}
	if c.RescueStuckJobsAfter <= c.JobTimeout {
		return errors.New("storage: RescueStuckJobsAfter must be longer than JobTimeout")
	}
	return nil
}

// BackoffPolicy is exponential backoff with full jitter.
type BackoffPolicy struct{ Base, Max time.Duration }

// NextRetry implements river.ClientRetryPolicy.
func (p *BackoffPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := p.Base << min(job.Attempt, 20)
	if d <= 0 || d > p.Max {
		d = p.Max
	}
	return time.Now().Add(d/2 + rand.N(d/2+1))
}

// Store is skladflow's database and job queue.
type Store struct {
	db       *sqlDB
	river    *river.Client[*sql.Tx]
	ingest   *ingester
	dispatch atomic.Pointer[dispatcher] // nil in an insert-only store: the serving process dispatches
	live     *liveness                  // PostgreSQL only: this process's mark among the replicas
	sweeping context.CancelFunc         // stops the replica sweep (Start to Stop)
	swept    chan struct{}
	cfg      Config
}

// Open opens (creating if needed) the database and migrates it.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	d := dialectOf(cfg.Path)
	raw, err := sql.Open(d.open(cfg.Path))
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	raw.SetMaxOpenConns(d.maxOpenConns())
	if d.postgres {
		// sql.Open connects lazily: say now, and where, that the server
		// is not there, rather than at the first migration's query.
		if err := raw.PingContext(ctx); err != nil {
			raw.Close()
			return nil, fmt.Errorf("storage: postgres at %s: %w", redact(cfg.Path), err)
		}
	}
	db := &sqlDB{raw: raw, dialect: d}
	s := &Store{db: db, cfg: cfg}
	if err := s.migrate(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	rc := &river.Config{
		FetchCooldown:        cfg.FetchPollInterval / 4,
		FetchPollInterval:    cfg.FetchPollInterval,
		JobTimeout:           cfg.JobTimeout,
		Logger:               cfg.Logger,
		MaxAttempts:          cfg.MaxAttempts,
		Middleware:           cfg.Middleware,
		PeriodicJobs:         cfg.PeriodicJobs,
		RescueStuckJobsAfter: cfg.RescueStuckJobsAfter,
		RetryPolicy:          cfg.RetryPolicy,
	}
	if cfg.Workers != nil {
		if err := river.AddWorkerSafely(cfg.Workers, &fanOutWorker{store: s}); err != nil {
			raw.Close()
			return nil, fmt.Errorf("storage: %w", err)
		}
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}, QueueIngest: {MaxWorkers: 1}}
		rc.Workers = cfg.Workers
	}
	s.river, err = river.NewClient(d.river(raw), rc)
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("storage: river: %w", err)
	}
	if d.postgres {
		// Every process on the database, a command too, holds its mark
		// while it is open: the leases it takes are known to be live.
		s.live = newLiveness(s)
		if err := s.live.take(ctx); err != nil {
			raw.Close()
			return nil, fmt.Errorf("storage: liveness mark: %w", err)
		}
	}
	s.ingest = newIngester(s, cfg.IngestQueue, cfg.IngestWindow, cfg.IngestBatchRows)
	return s, nil
}

// Start works jobs (no-op without Workers).
func (s *Store) Start(ctx context.Context) error {
	if s.cfg.Workers == nil {
		return nil
	}
	// Only a SQLite file has one process: on PostgreSQL other replicas'
	// leases and running jobs may be live, and the replica sweep takes
	// over those whose process died, this one's previous run included.
	if s.live != nil {
		ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.sweeping, s.swept = cancel, make(chan struct{})
		go func() {
			defer close(s.swept)
			s.live.run(ctx)
		}()
	} else {
		if err := s.clearLeases(ctx); err != nil {
			return err
		}
		n, err := s.requeueOrphans(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			s.cfg.Logger.Warn("jobs interrupted by the last stop queued again", "count", n)
		}
	}
	s.startDispatcher() // and dispatches at once what a crash left without its job
	return s.river.Start(ctx)
}

// Stop lets running jobs finish, then stops working.
func (s *Store) Stop(ctx context.Context) error {
	if s.cfg.Workers == nil {
		return nil
	}
	s.dispatch.Swap(nil).close()
	if s.sweeping != nil {
		s.sweeping()
		<-s.swept
	}
	return s.river.Stop(ctx)
}

// Close commits the notifications already queued and closes the database.
func (s *Store) Close() error {
	s.ingest.close()
	if s.live != nil {
		s.live.release()
	}
	return s.db.raw.Close()
}

// River is the job client, for inserting jobs.
func (s *Store) River() *river.Client[*sql.Tx] { return s.river }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.raw.PingContext(ctx) }

func (s *Store) inTx(ctx context.Context, fn func(*sqlTx) error) error {
	tx, err := s.db.raw.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(&sqlTx{raw: tx, dialect: s.db.dialect}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

const timeLayout = "2006-01-02T15:04:05.000000000Z"

func now() string { return time.Now().UTC().Format(timeLayout) }

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}
