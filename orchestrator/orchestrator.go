// Package orchestrator runs skladflow's per-document work: a job loads the
// current MoySklad document, decides with the fsm flow table, calls the
// warehouse and MoySklad, and persists the new state with its timeline.
package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/metrics"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// MoySklad is what the orchestrator needs of the MoySklad client.
type MoySklad interface {
	GetDocument(ctx context.Context, entityType, id string, expand ...string) (*moysklad.Document, error)
	UpdateDocument(ctx context.Context, entityType, id string, upd moysklad.DocumentUpdate, expand ...string) (*moysklad.Document, error)
	Metadata(ctx context.Context, entityType string) (*moysklad.Metadata, error)
	CreateState(ctx context.Context, entityType string, s moysklad.State) (*moysklad.State, error)
	FindProducts(ctx context.Context, field, value string) ([]moysklad.Product, error)
	ListDocuments(ctx context.Context, entityType, filter string, expand ...string) ([]moysklad.Document, error)
	Webhooks(ctx context.Context) ([]moysklad.Webhook, error)
	UpdateWebhook(ctx context.Context, id string, w moysklad.Webhook) (*moysklad.Webhook, error)
	Attributes(ctx context.Context, entityType string) ([]moysklad.Attribute, error)
}

// Carrier is what the delivery flow needs of the CDEK client.
type Carrier interface {
	CreateOrder(ctx context.Context, o cdek.Order) (*cdek.Envelope, error)
	GetOrder(ctx context.Context, uuid string) (*cdek.Envelope, error)
	FindOrder(ctx context.Context, number string) (*cdek.Envelope, error)
	DeleteOrder(ctx context.Context, uuid string) (*cdek.Envelope, error)
	Refuse(ctx context.Context, uuid string) (*cdek.Envelope, error)
}

// Delivery configures the delivery (CDEK) flow.
type Delivery struct {
	// API is the CDEK client. Required.
	API Carrier
	// Config is the cdek section, with defaults set. Required.
	Config *config.CDEK
}

// Warehouse is one configured fulfillment warehouse.
type Warehouse struct {
	// Name is shown to staff («БетаПРО»). Required.
	Name string
	// StoreID is the id of the MoySklad store that is this warehouse. Required.
	StoreID string
	// SKUField keys goods at the warehouse: article, code or externalCode.
	// Defaults to article.
	SKUField string
	// API is the warehouse's WMS. Required.
	API fulfillment.Warehouse
	// PollInterval is how often its document feed is read. Defaults to 1m.
	PollInterval time.Duration
}

// Config configures the orchestrator.
type Config struct {
	// Warehouses are the fulfillment warehouses. At least one is required.
	Warehouses []Warehouse
	// Statuses are MoySklad status names. Defaults as in config.Statuses.
	Statuses config.Statuses
	// Receipt is the receipt policy. Defaults as in config.Receipt.
	Receipt config.Receipt
	// DocumentTypes are the inbound document types. Defaults to supply, move.
	DocumentTypes []string
	// Delivery is the CDEK flow. Optional: nil means no deliveries.
	Delivery *Delivery
	// RetryHorizon is how long a peer may stay unavailable before the
	// document gets its error status. Defaults to 1h.
	RetryHorizon time.Duration
	// ReconcileInterval is how often documents sitting in a command status
	// and disabled webhooks are looked for. Defaults to 5m.
	ReconcileInterval time.Duration
	// HookURL is skladflow's MoySklad webhook URL, to re-enable it when
	// MoySklad disabled it. Optional.
	HookURL string
	// Metrics counts transitions and reconciliation findings. Defaults to a
	// private set.
	Metrics *metrics.Set
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Logger defaults to discarding.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	var d config.Config
	d.Statuses, d.Receipt = c.Statuses, c.Receipt
	d.SetDefaults()
	c.Statuses, c.Receipt = d.Statuses, d.Receipt
	if len(c.DocumentTypes) == 0 {
		c.DocumentTypes = []string{moysklad.TypeSupply, moysklad.TypeMove}
	}
	for i := range c.Warehouses {
		if c.Warehouses[i].SKUField == "" {
			c.Warehouses[i].SKUField = moysklad.SKUArticle
		}
		if c.Warehouses[i].PollInterval == 0 {
			c.Warehouses[i].PollInterval = time.Minute
		}
	}
	if c.RetryHorizon == 0 {
		c.RetryHorizon = time.Hour
	}
	if c.ReconcileInterval == 0 {
		c.ReconcileInterval = 5 * time.Minute
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
}

func (c *Config) validate() error {
	if len(c.Warehouses) == 0 {
		return errors.New("orchestrator: at least one warehouse is required")
	}
	for i, w := range c.Warehouses {
		if w.Name == "" || w.StoreID == "" || w.API == nil {
			return fmt.Errorf("orchestrator: warehouse %d: Name, StoreID and API are required", i)
		}
	}
	if d := c.Delivery; d != nil && (d.API == nil || d.Config == nil) {
		return errors.New("orchestrator: Delivery needs API and Config")
	}
	return nil
}

// Orchestrator runs the jobs of the document flows.
type Orchestrator struct {
	cfg    Config
	ms     MoySklad
	store  *storage.Store
	states *byName[moysklad.State]
	attrs  *byName[moysklad.Attribute]
	log    *slog.Logger
}

// New builds an orchestrator. Its workers need a store: call Attach with
// the store opened with Workers() before the store starts working jobs.
func New(cfg Config, ms MoySklad) (*Orchestrator, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Orchestrator{cfg: cfg, ms: ms, states: newStateCache(ms), attrs: newAttributeCache(ms), log: cfg.Logger}, nil
}

// Attach gives the orchestrator its store.
func (o *Orchestrator) Attach(s *storage.Store) { o.store = s }

// Workers are the job workers to open the store with.
func (o *Orchestrator) Workers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &processWorker{o: o})
	river.AddWorker(w, &applyWorker{o: o})
	river.AddWorker(w, &pollWorker{o: o})
	river.AddWorker(w, &reconcileWorker{o: o})
	river.AddWorker(w, &rerunWorker{o: o})
	river.AddWorker(w, &pollDeliveriesWorker{o: o})
	return w
}

// PeriodicJobs poll every warehouse's document feed.
func (o *Orchestrator) PeriodicJobs() []*river.PeriodicJob {
	var jobs []*river.PeriodicJob
	for _, w := range o.cfg.Warehouses {
		name := w.Name
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(w.PollInterval),
			func() (river.JobArgs, *river.InsertOpts) { return storage.PollFeedArgs{Warehouse: name}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(o.cfg.ReconcileInterval),
		func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true}))
	if d := o.cfg.Delivery; d != nil {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(d.Config.PollInterval.Duration),
			func() (river.JobArgs, *river.InsertOpts) { return PollDeliveriesArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	return jobs
}

// StateSpec is a MoySklad status a flow reads or writes.
type StateSpec struct {
	Name string
	Kind string // moysklad.StateRegular, StateSuccessful or StateUnsuccessful
}

// InboundStates are the statuses of the inbound flow, on every inbound
// document type: Successful for the final success, Unsuccessful for errors,
// Regular otherwise.
func InboundStates(s config.Statuses) []StateSpec {
	return []StateSpec{
		{s.Submit, moysklad.StateRegular},
		{s.Submitted, moysklad.StateRegular},
		{s.SubmitFailed, moysklad.StateUnsuccessful},
		{s.Receiving, moysklad.StateRegular},
		{s.Received, moysklad.StateSuccessful},
		{s.ReceiveFailed, moysklad.StateUnsuccessful},
		{s.NotArrived, moysklad.StateUnsuccessful},
		{s.Cancel, moysklad.StateRegular},
		{s.Cancelled, moysklad.StateUnsuccessful},
		{s.CancelFailed, moysklad.StateUnsuccessful},
	}
}

// DeliveryStates are the statuses of the delivery flow on every shipment
// document type: the command, the results, cancellation, and every status
// of the CDEK status map (Successful for delivered, Unsuccessful for not
// delivered).
func DeliveryStates(s config.Statuses, c *config.CDEK) []StateSpec {
	out := []StateSpec{
		{s.CDEKSubmit, moysklad.StateRegular},
		{s.CDEKSubmitted, moysklad.StateRegular},
		{s.CDEKFailed, moysklad.StateUnsuccessful},
		{s.Cancel, moysklad.StateRegular},
		{s.Cancelled, moysklad.StateUnsuccessful},
		{s.CancelFailed, moysklad.StateUnsuccessful},
	}
	seen := map[string]bool{}
	for _, st := range out {
		seen[st.Name] = true
	}
	codes := make([]string, 0, len(c.Statuses))
	for code := range c.Statuses {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		name := c.Statuses[code]
		if seen[name] {
			continue
		}
		seen[name] = true
		kind := moysklad.StateRegular
		switch deliveryEvent(code) {
		case fsm.Deliver:
			kind = moysklad.StateSuccessful
		case fsm.NotDeliver:
			kind = moysklad.StateUnsuccessful
		}
		out = append(out, StateSpec{name, kind})
	}
	return out
}

// StateColor is the colour a status gets when skladflow creates it: green
// for success, red for errors, blue otherwise.
func StateColor(kind string) int64 {
	switch kind {
	case moysklad.StateSuccessful:
		return 0x22B14C
	case moysklad.StateUnsuccessful:
		return 0xED1C24
	}
	return 0x3F48CC
}

func (o *Orchestrator) warehouse(name string) (*Warehouse, bool) {
	for i := range o.cfg.Warehouses {
		if o.cfg.Warehouses[i].Name == name {
			return &o.cfg.Warehouses[i], true
		}
	}
	return nil, false
}

// warehouseFor finds the warehouse a document brings goods into: the store
// of a supply, the target store of a move.
func (o *Orchestrator) warehouseFor(d *moysklad.Document) (*Warehouse, bool) {
	var store string
	switch d.Type() {
	case moysklad.TypeSupply:
		store = d.Store.ID()
	case moysklad.TypeMove:
		store = d.TargetStore.ID()
	}
	for i := range o.cfg.Warehouses {
		if store != "" && o.cfg.Warehouses[i].StoreID == store {
			return &o.cfg.Warehouses[i], true
		}
	}
	return nil, false
}
