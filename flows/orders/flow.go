// Package orders is the flow of customer orders fulfilled by the
// warehouse (issue 11 §2): a customer order reserved at a warehouse store
// and set to «Передать на склад» becomes an FBox order (POST /orders); the
// warehouse's order documents come back as the order's statuses
// («Собирается», «Нет товара», «Отгружен») and, for the shipment, a posted
// demand with the units really shipped; «Отменить» cancels the order at
// the warehouse as far as the warehouse still allows it.
package orders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// Documents is what the flow needs of MoySklad beyond the machinery's
// client: creating a demand from its order (moysklad.Client has it).
type Documents interface {
	Template(ctx context.Context, typ string, base *moysklad.Ref) (*moysklad.Document, error)
	Create(ctx context.Context, typ string, doc moysklad.Document, syncID string, expand ...string) (*moysklad.Document, error)
}

// Config configures the flow. Every value comes from a validated
// configuration, where the defaults are.
type Config struct {
	// Feed is the warehouses' document feed. Required.
	Feed *feed.Feed
	// Statuses are the MoySklad status names. Required.
	Statuses config.Statuses
	// Orders is the orders section. Required.
	Orders config.Orders
	// Documents creates demands. Defaults to the machinery's MoySklad
	// client, which must then implement it.
	Documents Documents
}

// Flow is the customer-order flow.
type Flow struct {
	cfg Config
	o   *orchestrator.Orchestrator
	// enabled holds the warehouses whose optional order outdocs were
	// turned on by this process.
	enabled sync.Map
}

// New builds the flow on the machinery and registers it with the feed;
// register it with o.Register.
func New(o *orchestrator.Orchestrator, cfg Config) (*Flow, error) {
	if cfg.Feed == nil || cfg.Statuses.OrderSubmit == "" || cfg.Orders.Services == "" {
		return nil, errors.New("orders: Feed, Statuses and Orders are required")
	}
	if cfg.Documents == nil {
		d, ok := o.MoySklad().(Documents)
		if !ok {
			return nil, errors.New("orders: the MoySklad client cannot create documents (Template, Create)")
		}
		cfg.Documents = d
	}
	f := &Flow{cfg: cfg, o: o}
	return f, cfg.Feed.Register(f)
}

// Table is the customer-order flow table.
func (f *Flow) Table() *fsm.Flow { return fsm.Orders() }

// DocumentTypes: customer orders.
func (f *Flow) DocumentTypes() []string { return []string{moysklad.TypeCustomerOrder} }

// Takes a customer order reserved at a warehouse store, unless staff ask
// for CDEK: that command is the CDEK flow's, which refuses it for goods at
// the warehouse with the reason.
func (f *Flow) Takes(doc *moysklad.Document) bool {
	_, ok := f.warehouseFor(doc)
	return ok && doc.StateName() != f.cfg.Statuses.CDEKSubmit
}

// Expand: an order needs its goods and its recipient; a shop is told by
// its sales channel or organization.
func (f *Flow) Expand() []string {
	return []string{"state", "positions.assortment", "agent", "salesChannel", "organization"}
}

// Commands: orders left in «Передать на склад» or «Отменить» are looked for.
func (f *Flow) Commands() []string {
	return []string{f.cfg.Statuses.OrderSubmit, f.cfg.Statuses.Cancel}
}

// OutdocTypes are the warehouse's order documents the flow applies.
func (f *Flow) OutdocTypes() []string {
	return []string{fulfillment.OutdocOrdersProductionStart, fulfillment.OutdocOrdersDeficit, fulfillment.OutdocOrdersCancel,
		fulfillment.OutdocOrdersShipment, fulfillment.OutdocOrdersShipmentRefusal}
}

// optionalOutdocs are the optional outdoc types the flow uses: without
// them an order goes from «Передан на склад» straight to «Отгружен».
var optionalOutdocs = []string{fulfillment.OutdocOrdersProductionStart, fulfillment.OutdocOrdersDeficit}

// States are the statuses of the flow on customer orders: Successful for a
// shipment, Unsuccessful for errors and cancellation, Regular otherwise.
// setup creates them.
func States(s config.Statuses) []moysklad.State {
	return []moysklad.State{
		{Name: s.OrderSubmit, StateType: moysklad.StateRegular},
		{Name: s.OrderSubmitted, StateType: moysklad.StateRegular},
		{Name: s.Picking, StateType: moysklad.StateRegular},
		{Name: s.Deficit, StateType: moysklad.StateRegular},
		{Name: s.Shipped, StateType: moysklad.StateSuccessful},
		{Name: s.ShippedPartly, StateType: moysklad.StateSuccessful},
		{Name: s.SubmitFailed, StateType: moysklad.StateUnsuccessful},
		{Name: s.Cancel, StateType: moysklad.StateRegular},
		{Name: s.Cancelling, StateType: moysklad.StateRegular},
		{Name: s.Cancelled, StateType: moysklad.StateUnsuccessful},
		{Name: s.CancelFailed, StateType: moysklad.StateUnsuccessful},
	}
}

// Process acts on the order's status: «Передать на склад», «Отменить», or
// a submission a crash interrupted.
func (f *Flow) Process(ctx context.Context, r *orchestrator.Run) error {
	wh, ok := f.warehouseFor(r.Doc)
	if !ok {
		return nil // no longer at a warehouse store: nothing to do here
	}
	st, state, status := f.cfg.Statuses, r.State(), r.Status()
	switch {
	case status == st.OrderSubmit && (state == fsm.Submitted || state == fsm.Deficit):
		return f.resend(ctx, r, wh)
	case status == st.OrderSubmit && fsm.Orders().Can(state, fsm.Submit):
		return f.submit(ctx, r, wh, max(r.Row.Attempt, 1))
	case status == st.OrderSubmit:
		return f.refuseSubmit(ctx, r, wh)
	case status == st.Cancel && state == fsm.Shipped:
		return f.cancelShipped(ctx, r, wh)
	case status == st.Cancel && fsm.Orders().Can(state, fsm.Cancel):
		return f.cancel(ctx, r, wh)
	case status == st.Cancel:
		return f.refuseCancel(ctx, r)
	case state == fsm.Submitting:
		return f.resumeSubmit(ctx, r)
	}
	f.o.Logger().Debug("no command", "type", r.Row.Type, "id", r.Row.ID, "status", status, "state", state)
	return nil
}

// Rerun submits a failed submission again; anything else is processed as
// if notified.
func (f *Flow) Rerun(ctx context.Context, r *orchestrator.Run) error {
	if s := r.State(); s != fsm.SubmitFailed && s != fsm.Submitting {
		return f.Process(ctx, r)
	}
	wh, ok := f.warehouseFor(r.Doc)
	if !ok {
		return fmt.Errorf("%s %s is no longer at a warehouse store: %w", r.Row.Type, r.Row.ID, orchestrator.ErrFinal)
	}
	if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindOperator, Message: "повторный запуск по запросу оператора"}); err != nil {
		return err
	}
	return f.submit(ctx, r, wh, max(r.Row.Attempt, 1))
}

// warehouseFor is the warehouse whose store the order is reserved at.
func (f *Flow) warehouseFor(d *moysklad.Document) (*feed.Warehouse, bool) {
	if d.Type() != moysklad.TypeCustomerOrder || d.Store == nil {
		return nil, false
	}
	return f.cfg.Feed.WarehouseByStore(d.Store.ID())
}

// goods maps the order's items to their goods at the warehouse as the
// catalogue registered them, bundles with their components.
func (f *Flow) goods(ctx context.Context, wh *feed.Warehouse, d *moysklad.Document) (map[string]good, error) {
	ids, err := goodIDs(ctx, wh, d)
	if err != nil {
		return nil, err
	}
	bundles := map[string]map[string]int64{}
	rows := d.Rows()
	if slices.ContainsFunc(rows, func(p moysklad.Position) bool {
		return p.Assortment != nil && p.Assortment.Kind() == moysklad.AssortmentBundle
	}) {
		prep, err := wh.Catalogue.Prepare(ctx, rows, f.prepareOptions()...)
		if err != nil {
			return nil, fmt.Errorf("components of the order's bundles: %w", err)
		}
		for _, it := range prep.Items {
			p := rows[it.Position]
			if !it.Component || p.Quantity <= 0 {
				continue
			}
			id := p.Assortment.Meta.ID()
			if bundles[id] == nil {
				bundles[id] = map[string]int64{}
			}
			bundles[id][it.GoodID] += int64(it.Quantity) / int64(p.Quantity)
		}
	}
	return goodsOf(d, ids, f.cfg.Orders.Services, bundles), nil
}

// prepareOptions are how the catalogue prepares an order's goods.
func (f *Flow) prepareOptions() []catalogue.Option {
	if f.cfg.Orders.Services == config.ServicesSend {
		return []catalogue.Option{catalogue.WithServices()}
	}
	return nil
}

// goodIDs key the order's goods as the warehouse's catalogue registered
// them: an edited article still names the good it was registered as.
func goodIDs(ctx context.Context, wh *feed.Warehouse, d *moysklad.Document) (GoodID, error) {
	keys, err := wh.Catalogue.Keys(ctx, d.Rows())
	return keys.Of, err
}
