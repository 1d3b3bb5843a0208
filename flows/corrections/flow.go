// Package corrections mirrors the warehouse's own stock documents that are
// not about an order (issue 12 §2): inventory corrections
// (goods_correction, #goods_corr_desc) and moves to and from long storage
// (goods_to_long_storage, goods_from_long_storage, #goods_long_desc). What
// a document moved (GET /outdocs/{id}/goods) is booked where the placement
// rules book those units: a posted enter, loss or move per store (pair),
// created once (syncId from the warehouse key) and recorded as the
// document's parts, so an unlock_request deletes exactly them.
package corrections

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// Documents is what the flow needs of MoySklad beyond the machinery's
// client (moysklad.Client has it).
type Documents interface {
	Template(ctx context.Context, typ string, base *moysklad.Ref) (*moysklad.Document, error)
	Create(ctx context.Context, typ string, doc moysklad.Document, syncID string, expand ...string) (*moysklad.Document, error)
	DeleteDocument(ctx context.Context, entityType, id string) error
	GetStore(ctx context.Context, id string) (*moysklad.Store, error)
	GetProduct(ctx context.Context, id string) (*moysklad.Product, error)
}

// Alerter tells support about a problem once (alerts.Alerter implements
// it, and Resolve too).
type Alerter interface {
	Raise(ctx context.Context, key, text string)
}

// resolver is an Alerter that can close a problem.
type resolver interface {
	Resolve(ctx context.Context, key, text string)
}

// Config configures the flow.
type Config struct {
	// Feed is the warehouses' document feed. Required.
	Feed *feed.Feed
	// Documents creates and deletes the documents. Defaults to the
	// machinery's MoySklad client, which must then implement it.
	Documents Documents
	// Alerts is told about unknown goods, closed periods and the daily
	// summary. Defaults to none (logged only).
	Alerts Alerter
	// ClosedWait is how long a document refused for a closed period
	// (17009) waits before it is tried again. Defaults to 1h.
	ClosedWait time.Duration
	// SummaryHour is the hour (Moscow time) of the daily summary of what
	// the warehouses wrote off and found. Defaults to 9.
	SummaryHour int
}

// Flow applies the warehouses' corrections and long-storage moves.
type Flow struct {
	cfg       Config
	o         *orchestrator.Orchestrator
	storeRefs sync.Map // store id → *moysklad.Ref
}

// New builds the flow and registers it with the feed; add its jobs with
// o.AddJobs.
func New(o *orchestrator.Orchestrator, cfg Config) (*Flow, error) {
	if cfg.Feed == nil {
		return nil, errors.New("corrections: Feed is required")
	}
	if cfg.Documents == nil {
		d, ok := o.MoySklad().(Documents)
		if !ok {
			return nil, errors.New("corrections: the MoySklad client cannot create and delete documents")
		}
		cfg.Documents = d
	}
	if cfg.ClosedWait <= 0 {
		cfg.ClosedWait = time.Hour
	}
	if cfg.SummaryHour == 0 {
		cfg.SummaryHour = 9
	}
	f := &Flow{cfg: cfg, o: o}
	return f, cfg.Feed.Register(f)
}

// types are the outdoc types of the flow.
var types = []string{fulfillment.OutdocCorrection, fulfillment.OutdocToLongStorage, fulfillment.OutdocFromLongStorage}

// OutdocTypes: corrections and long-storage moves.
func (f *Flow) OutdocTypes() []string { return types }

// ApplyOutdoc applies a document, or reverts it when the warehouse asked to
// unlock it, as the only worker on it.
func (f *Flow) ApplyOutdoc(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	return f.o.WithDocument(ctx, leaseType, pseudoID(wh.Name, od.OutdocID), func() error {
		// Read again under the lease: another job may have finished it.
		od, err := f.o.Store().Outdoc(ctx, wh.Name, od.OutdocID)
		if err != nil {
			return err
		}
		switch od.Status {
		case storage.OutdocRevert:
			return f.revert(ctx, wh, od)
		case storage.OutdocNew, storage.OutdocApplied:
			return f.apply(ctx, wh, od)
		}
		return nil
	})
}

// leaseType keys the lease and the timeline of a warehouse document that
// has no MoySklad document of its own.
const leaseType = "outdoc"

// pseudoID names a warehouse document in leases and the timeline.
func pseudoID(warehouse string, outdocID int64) string {
	return fmt.Sprintf("%s/%d", warehouse, outdocID)
}
