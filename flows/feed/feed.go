// Package feed is the warehouses' document feed, shared by every warehouse
// flow: it reads the outgoing documents (outdocs) of each configured
// warehouse, records each one a flow takes, and runs a job per document
// that hands it to the flow of its outdoc_type. The flow applies it to the
// MoySklad documents it concerns and tells the feed when it is done; the
// feed then marks it imported at the warehouse (a lock, fbox.md §8) — or,
// in shared reading mode, only records it and reads by time window
// (#outdoc_share_desc), so another system of the customer's may lock it.
package feed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/placement"
	"github.com/skladflow/skladflow/storage"
)

// Warehouse is one configured fulfillment warehouse.
type Warehouse struct {
	// Name is shown to staff («БетаПРО»). Required.
	Name string
	// StoreID is the id of the MoySklad store that is this warehouse. Required.
	StoreID string
	// SKUField keys products at the warehouse: article, code or
	// externalCode. Required (config defaults it to article).
	SKUField string
	// VariantSKUField keys variants: code or externalCode. Required
	// (config defaults it).
	VariantSKUField string
	// API is the warehouse's WMS. Required.
	API fulfillment.Warehouse
	// Catalogue registers goods before a task and knows their good_ids.
	// Required.
	Catalogue *catalogue.Catalogue
	// PollInterval is how often its document feed is read. Required
	// (config defaults it to 1m).
	PollInterval time.Duration
	// Shared is shared reading (#outdoc_share_desc): another system of the
	// customer's reads the same outdocs, so skladflow never locks them and
	// reads by creation time instead. Defaults to false.
	Shared bool
	// Placement says at which MoySklad stores the warehouse's units are
	// booked. Its Store is StoreID.
	Placement placement.Rules
	// SharedLag is how far behind now a shared read stops: a document is
	// listed only once its creating transaction committed, up to 5 minutes
	// after its created_at (#outdoc_share_desc). Required when Shared
	// (config defaults it to 5m).
	SharedLag time.Duration
}

// SKUs are the fields goods are keyed by at the warehouse.
func (w *Warehouse) SKUs() moysklad.SKUFields {
	return moysklad.SKUFields{Product: w.SKUField, Variant: w.VariantSKUField}
}

// Handler is a flow that applies warehouse documents.
type Handler interface {
	// OutdocTypes are the outdoc types the flow applies.
	OutdocTypes() []string
	// ApplyOutdoc applies one recorded document: its status is new,
	// applied (written, not yet marked imported) or revert (the warehouse
	// asks to undo it). It is run until it returns nil, so it must be
	// idempotent; it calls Done or Undone when it has finished.
	ApplyOutdoc(ctx context.Context, wh *Warehouse, od storage.Outdoc) error
}

// Poller is a handler with something to do on every read of a
// warehouse's feed (inbound: report goods received unrecognized).
type Poller interface {
	Polled(ctx context.Context, wh *Warehouse) error
}

// Feed reads the warehouses' outgoing documents and dispatches them.
type Feed struct {
	o        *orchestrator.Orchestrator
	whs      []Warehouse
	handlers map[string]Handler // by outdoc type
	pollers  []Poller
}

// New builds the feed of the warehouses. Register the handlers, then
// include the feed in the machinery (orchestrator.AddJobs).
func New(o *orchestrator.Orchestrator, whs []Warehouse) (*Feed, error) {
	for i, w := range whs {
		if w.Name == "" || w.StoreID == "" || w.API == nil || w.Catalogue == nil || w.SKUField == "" || w.VariantSKUField == "" || w.PollInterval <= 0 ||
			(w.Shared && w.SharedLag <= 0) {
			return nil, fmt.Errorf("feed: warehouse %d: Name, StoreID, API, Catalogue, SKUField, VariantSKUField, PollInterval (and SharedLag when Shared) are required", i)
		}
	}
	return &Feed{o: o, whs: whs, handlers: map[string]Handler{}}, nil
}

// Register adds a flow that applies warehouse documents. One type has one
// handler.
func (f *Feed) Register(h Handler) error {
	for _, t := range h.OutdocTypes() {
		if _, taken := f.handlers[t]; taken {
			return fmt.Errorf("feed: two flows apply %s", t)
		}
		f.handlers[t] = h
	}
	if p, ok := h.(Poller); ok {
		f.pollers = append(f.pollers, p)
	}
	return nil
}

// Warehouses are the configured warehouses.
func (f *Feed) Warehouses() []Warehouse { return f.whs }

// Warehouse is the warehouse of that name.
func (f *Feed) Warehouse(name string) (*Warehouse, bool) {
	for i := range f.whs {
		if f.whs[i].Name == name {
			return &f.whs[i], true
		}
	}
	return nil, false
}

// WarehouseByStore is the warehouse a MoySklad store is.
func (f *Feed) WarehouseByStore(storeID string) (*Warehouse, bool) {
	for i := range f.whs {
		if storeID != "" && f.whs[i].StoreID == storeID {
			return &f.whs[i], true
		}
	}
	return nil, false
}

// takes reports whether a flow applies documents of the type.
func (f *Feed) takes(outdocType string) bool {
	_, ok := f.handlers[outdocType]
	return ok
}

// OutdocTypes are the outdoc types some flow applies, sorted (the parity
// report tells the others apart).
func (f *Feed) OutdocTypes() []string { return f.types() }

// types are the outdoc types some flow applies, sorted.
func (f *Feed) types() []string {
	var out []string
	for t := range f.handlers {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// ApplyOutdoc hands a recorded document to the flow of its type.
func (f *Feed) ApplyOutdoc(ctx context.Context, whName string, outdocID int64) error {
	wh, ok := f.Warehouse(whName)
	if !ok {
		return fmt.Errorf("warehouse %q is not configured: %w", whName, orchestrator.ErrFinal)
	}
	od, err := f.o.Store().Outdoc(ctx, whName, outdocID)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("outdoc %d of %s: %w", outdocID, whName, orchestrator.ErrFinal)
	}
	if err != nil {
		return err
	}
	switch od.Status {
	case storage.OutdocLocked, storage.OutdocFailed, storage.OutdocUndone, storage.OutdocDeleted:
		return nil
	}
	h, ok := f.handlers[od.Type]
	if !ok {
		return fmt.Errorf("outdoc %d of %s: no flow applies %s: %w", outdocID, whName, od.Type, orchestrator.ErrFinal)
	}
	// The documents of one task are applied one at a time: a replacement
	// checks for the revert it waits for while no sibling is half-applied.
	return f.o.WithLease(ctx, taskLease(od), func() error {
		if od, err = f.o.Store().Outdoc(ctx, whName, outdocID); err != nil {
			return err
		}
		if od.Status != storage.OutdocRevert {
			waiting, err := f.reverting(ctx, od)
			if err == nil && !waiting {
				waiting, err = f.replaces(ctx, wh, od)
			}
			if waiting || err != nil {
				if err == nil {
					err = orchestrator.Later(revertWait)
				}
				return err
			}
		}
		return h.ApplyOutdoc(ctx, wh, od)
	})
}

// taskLease is the lease a warehouse document is applied, reverted or
// dropped under: its task's, shared with the task's other documents, or
// its own when it has no task.
func taskLease(od storage.Outdoc) string {
	if od.IndocID != "" {
		return "task:" + od.Warehouse + "/" + od.IndocID
	}
	return fmt.Sprintf("outdoc:%s/%d", od.Warehouse, od.OutdocID)
}

// revertWait is how long a document waits for the revert of another
// document of its task.
const revertWait = 2 * time.Second

// replaces reports whether the document replaces another of its task that
// the warehouse deleted and skladflow has not reverted yet: a poll that
// checked for deletions just before the warehouse corrected a document
// can read the replacement in the same breath. The deleted one is queued
// for its revert, and the replacement waits for it, never lands on top.
func (f *Feed) replaces(ctx context.Context, wh *Warehouse, od storage.Outdoc) (bool, error) {
	if od.IndocID == "" {
		return false, nil
	}
	all, err := f.o.Store().OutdocsByIndoc(ctx, od.IndocID)
	if err != nil {
		return false, err
	}
	var applied []int64
	for _, x := range all {
		deletable := x.Status == storage.OutdocApplied || wh.Shared && x.Status == storage.OutdocLocked
		if x.Warehouse == od.Warehouse && x.OutdocID != od.OutdocID && deletable {
			applied = append(applied, x.OutdocID)
		}
	}
	if len(applied) == 0 {
		return false, nil
	}
	missing, err := wh.API.CheckOutdocs(ctx, applied...)
	if err != nil || len(missing) == 0 {
		return false, err
	}
	if _, err := f.o.Store().RequestRevert(ctx, wh.Name, missing); err != nil {
		return false, err
	}
	f.o.Logger().Info("a replacement came before its deleted document was reverted: reverting first", "warehouse", wh.Name,
		"outdoc", od.OutdocID, "deleted", missing)
	return true, nil
}

// reverting reports whether another document of the same task is being
// reverted: the replacement of a corrected document is applied after the
// revert, never on top of what it replaces.
func (f *Feed) reverting(ctx context.Context, od storage.Outdoc) (bool, error) {
	if od.IndocID == "" {
		return false, nil
	}
	all, err := f.o.Store().OutdocsByIndoc(ctx, od.IndocID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(all, func(x storage.Outdoc) bool {
		return x.Warehouse == od.Warehouse && x.OutdocID != od.OutdocID && x.Status == storage.OutdocRevert
	}), nil
}
