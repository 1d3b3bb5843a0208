package orchestrator

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// MoySklad is what the machinery and the flows need of the MoySklad client.
type MoySklad interface {
	GetDocument(ctx context.Context, entityType, id string, expand ...string) (*moysklad.Document, error)
	UpdateDocument(ctx context.Context, entityType, id string, upd moysklad.DocumentUpdate, expand ...string) (*moysklad.Document, error)
	Metadata(ctx context.Context, entityType string) (*moysklad.Metadata, error)
	FindAssortment(ctx context.Context, f moysklad.SKUFields, value string) ([]moysklad.Product, error)
	ListDocuments(ctx context.Context, entityType, filter string, expand ...string) ([]moysklad.Document, error)
	Webhooks(ctx context.Context) ([]moysklad.Webhook, error)
	UpdateWebhook(ctx context.Context, id string, w moysklad.Webhook) (*moysklad.Webhook, error)
	Attributes(ctx context.Context, entityType string) ([]moysklad.Attribute, error)
}

// Config configures the machinery. Its defaults are the config package's:
// every value here comes from a validated configuration.
type Config struct {
	// RetryHorizon is how long a peer may stay unavailable before a
	// document gets its error status. Required.
	RetryHorizon time.Duration
	// ReconcileInterval is how often documents sitting in a command status
	// and disabled webhooks are looked for. Required.
	ReconcileInterval time.Duration
	// HookURL is skladflow's MoySklad webhook URL, to re-enable it when
	// MoySklad disabled it. Optional: without it webhooks are not checked.
	HookURL string
	// Metrics counts transitions and reconciliation findings. Defaults to a
	// private set.
	Metrics *metrics.Set
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Logger defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) validate() error {
	if c.RetryHorizon <= 0 || c.ReconcileInterval <= 0 {
		return fmt.Errorf("orchestrator: RetryHorizon and ReconcileInterval are required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Metrics == nil {
		c.Metrics = metrics.NewSet()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Orchestrator runs the jobs of the registered flows.
type Orchestrator struct {
	cfg    Config
	ms     MoySklad
	store  *storage.Store
	flows  []Flow
	jobs   []Jobs // machinery parts that are not flows (the warehouse feed)
	byType map[string][]Flow
	states *byName[moysklad.State]
	attrs  *byName[moysklad.Attribute]
	log    *slog.Logger
}

// New builds the machinery. Register the flows, then open the store with
// Workers, PeriodicJobs and Middleware and Attach it before it works jobs.
func New(cfg Config, ms MoySklad) (*Orchestrator, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Orchestrator{cfg: cfg, ms: ms, byType: map[string][]Flow{},
		states: newStateCache(ms), attrs: newAttributeCache(ms), log: cfg.Logger}, nil
}

// Register adds flows; the flows of one document type are asked whose a
// document is in this order. Flow names are unique: a document's row says
// which flow it is in.
func (o *Orchestrator) Register(flows ...Flow) error {
	for _, f := range flows {
		for _, have := range o.flows {
			if have.Table().Name() == f.Table().Name() {
				return fmt.Errorf("orchestrator: two flows named %s", f.Table().Name())
			}
		}
		for _, typ := range f.DocumentTypes() {
			o.byType[typ] = append(o.byType[typ], f)
		}
		o.flows = append(o.flows, f)
	}
	return nil
}

// AddJobs includes parts shared by several flows (the warehouse feed):
// their jobs run, and their reconciliation when they are Reconcilers, as a
// flow's would.
func (o *Orchestrator) AddJobs(j ...Jobs) { o.jobs = append(o.jobs, j...) }

// Attach gives the machinery its store.
func (o *Orchestrator) Attach(s *storage.Store) { o.store = s }

// Store is the attached store.
func (o *Orchestrator) Store() *storage.Store { return o.store }

// MoySklad is the MoySklad client.
func (o *Orchestrator) MoySklad() MoySklad { return o.ms }

// Now is the machinery's clock.
func (o *Orchestrator) Now() time.Time { return o.cfg.Now() }

// Logger is the machinery's logger.
func (o *Orchestrator) Logger() *slog.Logger { return o.log }

// RetryHorizon is how long a peer may stay down before documents fail.
func (o *Orchestrator) RetryHorizon() time.Duration { return o.cfg.RetryHorizon }

// Workers are the job workers to open the store with: the machinery's and
// every flow's.
func (o *Orchestrator) Workers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[storage.ProcessDocumentArgs]) error {
		return o.ProcessDocument(ctx, job.Args.DocType, job.Args.DocID)
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, job *river.Job[storage.RerunDocumentArgs]) error {
		return o.Rerun(ctx, job.Args.DocType, job.Args.DocID)
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
		_, err := o.Reconcile(ctx)
		return err
	}))
	for _, j := range o.allJobs() {
		j.AddWorkers(w)
	}
	return w
}

// PeriodicJobs are reconciliation and the flows' scheduled jobs.
func (o *Orchestrator) PeriodicJobs() []*river.PeriodicJob {
	jobs := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(o.cfg.ReconcileInterval),
		func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
	for _, j := range o.allJobs() {
		jobs = append(jobs, j.PeriodicJobs()...)
	}
	return jobs
}

// allJobs are the flows' and the shared parts' jobs.
func (o *Orchestrator) allJobs() []Jobs {
	out := slices.Clone(o.jobs)
	for _, f := range o.flows {
		if j, ok := f.(Jobs); ok {
			out = append(out, j)
		}
	}
	return out
}

// Middleware wraps every job: see work.
func (o *Orchestrator) Middleware() []rivertype.Middleware {
	return []rivertype.Middleware{river.WorkerMiddlewareFunc(o.work)}
}

// named is the registered flow of that name.
func (o *Orchestrator) named(name string) (Flow, bool) {
	for _, f := range o.flows {
		if f.Table().Name() == name {
			return f, true
		}
	}
	return nil, false
}

// expandFor is what every flow of typ needs expanded, each once.
func (o *Orchestrator) expandFor(typ string) []string {
	var out []string
	for _, f := range o.byType[typ] {
		for _, e := range f.Expand() {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// flowOf is the flow a document follows: the one its row records while
// that flow still takes it — a document stays with its flow, and a flow
// may hand it over to another (a move between two warehouses: shipped out
// of one, then received by the other) — else the first of its type that
// takes it.
func (o *Orchestrator) flowOf(doc *moysklad.Document, row storage.Document) (Flow, bool) {
	if f, ok := o.named(row.Flow); ok && slices.Contains(f.DocumentTypes(), doc.Type()) && f.Takes(doc) {
		return f, true
	}
	return o.flowFor(doc)
}

// flowFor is the first flow of the document's type that takes it.
func (o *Orchestrator) flowFor(doc *moysklad.Document) (Flow, bool) {
	for _, f := range o.byType[doc.Type()] {
		if f.Takes(doc) {
			return f, true
		}
	}
	return nil, false
}
