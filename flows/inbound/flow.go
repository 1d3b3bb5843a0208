// Package inbound is the flow of goods into a fulfillment warehouse: a
// supply or a move into a warehouse store set to «Передать» becomes a
// goods_supply_task at the warehouse; the warehouse's receipts
// (goods_supply: parts, surplus, the final receipt, corrections) set the
// document's positions to what really arrived and post it; «Отменить»
// deletes the task while the warehouse allows it.
package inbound

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// Config configures the inbound flow. Every value comes from a validated
// configuration, where the defaults are.
type Config struct {
	// Feed is the warehouses' document feed; the flow applies their
	// receipts. Required.
	Feed *feed.Feed
	// Statuses are the MoySklad status names. Required.
	Statuses config.Statuses
	// Receipt is the receipt policy. Required.
	Receipt config.Receipt
	// DocumentTypes are the inbound document types (supply, move). Required.
	DocumentTypes []string
}

func (c *Config) validate() error {
	if c.Feed == nil || len(c.DocumentTypes) == 0 {
		return errors.New("inbound: Feed and DocumentTypes are required")
	}
	if c.Statuses.Submit == "" || c.Receipt.Defective == "" {
		return errors.New("inbound: Statuses and Receipt are required")
	}
	return nil
}

// Flow is the inbound flow.
type Flow struct {
	cfg Config
	o   *orchestrator.Orchestrator
}

// New builds the flow on the machinery and registers it with the feed;
// register it with o.Register.
func New(o *orchestrator.Orchestrator, cfg Config) (*Flow, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	f := &Flow{cfg: cfg, o: o}
	return f, cfg.Feed.Register(f)
}

// OutdocTypes: the flow applies the warehouse's receipts.
func (f *Flow) OutdocTypes() []string { return []string{fulfillment.OutdocSupply} }

// Polled tells staff of goods received unrecognized, at every read of the
// feed.
func (f *Flow) Polled(ctx context.Context, wh *feed.Warehouse) error {
	return f.reportUnrecognized(ctx, wh)
}

// Table is the inbound flow table.
func (f *Flow) Table() *fsm.Flow { return fsm.Inbound() }

// DocumentTypes are the configured inbound document types.
func (f *Flow) DocumentTypes() []string { return f.cfg.DocumentTypes }

// Takes a supply or move into a warehouse store.
func (f *Flow) Takes(doc *moysklad.Document) bool {
	_, ok := f.warehouseFor(doc)
	return ok
}

// Expand: a task needs the goods of every position.
func (f *Flow) Expand() []string { return []string{"state", moysklad.ExpandSerial} }

// Commands: documents left in «Передать» are looked for.
func (f *Flow) Commands() []string { return []string{f.cfg.Statuses.Submit} }

// States are the statuses of the inbound flow, on every inbound document
// type: Successful for the final success, Unsuccessful for errors, Regular
// otherwise. setup creates them.
func States(s config.Statuses) []moysklad.State {
	return []moysklad.State{
		{Name: s.Submit, StateType: moysklad.StateRegular},
		{Name: s.Submitted, StateType: moysklad.StateRegular},
		{Name: s.SubmitFailed, StateType: moysklad.StateUnsuccessful},
		{Name: s.Receiving, StateType: moysklad.StateRegular},
		{Name: s.Received, StateType: moysklad.StateSuccessful},
		{Name: s.ReceiveFailed, StateType: moysklad.StateUnsuccessful},
		{Name: s.NotArrived, StateType: moysklad.StateUnsuccessful},
		{Name: s.Cancel, StateType: moysklad.StateRegular},
		{Name: s.Cancelled, StateType: moysklad.StateUnsuccessful},
		{Name: s.CancelFailed, StateType: moysklad.StateUnsuccessful},
	}
}

// Process acts on the document's status: «Передать», «Отменить», or a
// submission a crash interrupted.
func (f *Flow) Process(ctx context.Context, r *orchestrator.Run) error {
	wh, ok := f.warehouseFor(r.Doc)
	if !ok {
		return nil // no longer in a warehouse store: nothing to do here
	}
	st, state, status := f.cfg.Statuses, r.State(), r.Status()
	switch {
	case status == st.Submit && state == fsm.ReceiveFailed:
		return f.retryReceipt(ctx, r)
	case status == st.Submit && fsm.Inbound().Can(state, fsm.Submit):
		return f.submit(ctx, r, wh)
	case status == st.Submit:
		return f.refuseSubmit(ctx, r, wh)
	case status == st.Cancel && fsm.Inbound().Can(state, fsm.Cancel):
		return f.cancel(ctx, r, wh)
	case status == st.Cancel:
		return f.refuseCancel(ctx, r, wh)
	case state == fsm.Submitting:
		return f.resumeSubmit(ctx, r)
	}
	f.o.Logger().Debug("no command", "type", r.Row.Type, "id", r.Row.ID, "status", status, "state", state)
	return nil
}

// Rerun submits a failed submission again and applies a failed receipt
// again; anything else is processed as if notified.
func (f *Flow) Rerun(ctx context.Context, r *orchestrator.Run) error {
	switch r.State() {
	case fsm.SubmitFailed, fsm.Submitting, fsm.ReceiveFailed:
	default:
		return f.Process(ctx, r)
	}
	wh, ok := f.warehouseFor(r.Doc)
	if !ok {
		return fmt.Errorf("%s %s is no longer in a fulfillment store: %w", r.Row.Type, r.Row.ID, orchestrator.ErrFinal)
	}
	if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindOperator, Message: "повторный запуск по запросу оператора"}); err != nil {
		return err
	}
	if r.State() == fsm.ReceiveFailed {
		return f.retryReceipt(ctx, r)
	}
	return f.submit(ctx, r, wh)
}

// warehouseFor finds the warehouse a document brings goods into: the store
// of a supply, the target store of a move.
func (f *Flow) warehouseFor(d *moysklad.Document) (*feed.Warehouse, bool) {
	var store string
	switch d.Type() {
	case moysklad.TypeSupply:
		store = d.Store.ID()
	case moysklad.TypeMove:
		store = d.TargetStore.ID()
	}
	return f.cfg.Feed.WarehouseByStore(store)
}
