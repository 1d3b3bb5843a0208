// Package shipment is the flow of goods shipped out of a fulfillment
// warehouse in bulk (B2B, marketplace FBO, purchase returns, moves out): a
// demand, a purchase return or a move whose source store is a warehouse
// store, set to «Передать», becomes a goods_shipment_task; the warehouse's
// goods_shipment_start / goods_shipment_ready / goods_shipment documents
// set «Собирается» / «Собран» / the shipped quantities, posted, «Отгружен»;
// «Отменить» deletes the task while the warehouse allows it (before
// picking); a correction of a shipment reverts exactly what it changed.
package shipment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// Config configures the shipment flow. Every value comes from a validated
// configuration, where the defaults are.
type Config struct {
	// Feed is the warehouses' document feed; the flow applies their
	// shipment documents. Required.
	Feed *feed.Feed
	// Statuses are the MoySklad status names. Required.
	Statuses config.Statuses
	// Shipment names the document types and the purchase return policy.
	// Required.
	Shipment config.Shipment
	// ReceivedBy is the flow that takes a move into a warehouse store (the
	// inbound flow), to which a move between two warehouses is handed once
	// shipped out of the first; "" when no flow receives moves.
	ReceivedBy string
}

func (c *Config) validate() error {
	if c.Feed == nil || len(c.Shipment.Documents) == 0 {
		return errors.New("shipment: Feed and Shipment.Documents are required")
	}
	s := c.Statuses
	if s.Submit == "" || s.Submitted == "" || s.Picking == "" || s.Picked == "" || s.Shipped == "" || s.ShipFailed == "" || s.Cancel == "" {
		return errors.New("shipment: Statuses are required")
	}
	return nil
}

// Flow is the shipment flow.
type Flow struct {
	cfg      Config
	o        *orchestrator.Orchestrator
	optional sync.Map // warehouse names whose optional documents are on
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

// Table is the shipment flow table.
func (f *Flow) Table() *fsm.Flow { return fsm.Shipment() }

// DocumentTypes are the configured shipment document types.
func (f *Flow) DocumentTypes() []string { return f.cfg.Shipment.Documents }

// Takes a document whose goods leave a warehouse store: a demand or a
// purchase return from it, a move out of it. «Передать в СДЭК» on such a
// document is the delivery flow's, which refuses it with the reason.
func (f *Flow) Takes(doc *moysklad.Document) bool {
	_, ok := f.warehouseFor(doc)
	return ok && doc.StateName() != f.cfg.Statuses.CDEKSubmit
}

// Expand: a task needs the goods of every position.
func (f *Flow) Expand() []string { return []string{"state", "positions.assortment"} }

// Commands: documents left in «Передать» are looked for.
func (f *Flow) Commands() []string { return []string{f.cfg.Statuses.Submit} }

// States are the statuses of the shipment flow on every shipment document
// type: Successful for «Отгружен», Unsuccessful for errors and
// cancellation, Regular otherwise. setup creates them.
func States(s config.Statuses) []moysklad.State {
	return []moysklad.State{
		{Name: s.Submit, StateType: moysklad.StateRegular},
		{Name: s.Submitted, StateType: moysklad.StateRegular},
		{Name: s.SubmitFailed, StateType: moysklad.StateUnsuccessful},
		{Name: s.Picking, StateType: moysklad.StateRegular},
		{Name: s.Picked, StateType: moysklad.StateRegular},
		{Name: s.Shipped, StateType: moysklad.StateSuccessful},
		{Name: s.ShipFailed, StateType: moysklad.StateUnsuccessful},
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
		return nil // no longer leaving a warehouse store: nothing to do here
	}
	st, state, status := f.cfg.Statuses, r.State(), r.Status()
	flow := fsm.Shipment()
	switch {
	case status == st.Submit && state == fsm.ShipmentFailed:
		return f.retryShipment(ctx, r)
	case status == st.Submit && flow.Can(state, fsm.Submit):
		return f.submit(ctx, r, wh)
	case status == st.Submit && state == fsm.ShipmentShipped:
		if _, ok := f.onward(r.Doc); ok {
			// Shipped and told «Передать» for the next warehouse, but a
			// crash came before the hand-over was recorded.
			return f.handOn(ctx, r)
		}
		return f.refuseSubmit(ctx, r, wh)
	case status == st.Submit:
		return f.refuseSubmit(ctx, r, wh)
	case status == st.Cancel && flow.Can(state, fsm.Cancel):
		return f.cancel(ctx, r, wh)
	case status == st.Cancel:
		return f.refuseCancel(ctx, r, wh)
	case state == fsm.Submitting:
		return f.resumeSubmit(ctx, r)
	}
	f.o.Logger().Debug("no command", "type", r.Row.Type, "id", r.Row.ID, "status", status, "state", state)
	return nil
}

// Rerun submits a failed submission again and applies a failed shipment
// again; anything else is processed as if notified.
func (f *Flow) Rerun(ctx context.Context, r *orchestrator.Run) error {
	switch r.State() {
	case fsm.SubmitFailed, fsm.Submitting, fsm.ShipmentFailed:
	default:
		return f.Process(ctx, r)
	}
	wh, ok := f.warehouseFor(r.Doc)
	if !ok {
		return fmt.Errorf("%s %s no longer leaves a fulfillment store: %w", r.Row.Type, r.Row.ID, orchestrator.ErrFinal)
	}
	if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindOperator, Message: "повторный запуск по запросу оператора"}); err != nil {
		return err
	}
	if r.State() == fsm.ShipmentFailed {
		return f.retryShipment(ctx, r)
	}
	return f.submit(ctx, r, wh)
}

// onward is the warehouse a move between two warehouses goes on to once
// shipped out of the first: its target store's, when a flow receives it.
func (f *Flow) onward(d *moysklad.Document) (*feed.Warehouse, bool) {
	if f.cfg.ReceivedBy == "" || d.Type() != moysklad.TypeMove || d.TargetStore == nil {
		return nil, false
	}
	return f.cfg.Feed.WarehouseByStore(d.TargetStore.ID())
}

// handOn gives a move shipped out of one warehouse to the flow that
// receives it at the other; that flow acts on the «Передать» written with
// the shipment.
func (f *Flow) handOn(ctx context.Context, r *orchestrator.Run) error {
	return r.HandOver(ctx, f.cfg.ReceivedBy)
}

// warehouseFor finds the warehouse a document takes goods out of: the
// store of a demand or purchase return, the source store of a move.
func (f *Flow) warehouseFor(d *moysklad.Document) (*feed.Warehouse, bool) {
	if !slices.Contains(f.cfg.Shipment.Documents, d.Type()) {
		return nil, false
	}
	var store string
	switch d.Type() {
	case moysklad.TypeDemand, moysklad.TypePurchaseReturn:
		store = d.Store.ID()
	case moysklad.TypeMove:
		store = d.SourceStore.ID()
	}
	return f.cfg.Feed.WarehouseByStore(store)
}
