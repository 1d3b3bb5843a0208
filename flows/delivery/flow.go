// Package delivery is the flow of shipments handed to CDEK: a demand or
// customer order set to «Передать в СДЭК» becomes a CDEK order; skladflow
// writes «Передан в СДЭК» and the CDEK number once CDEK has validated the
// order, follows the parcel's statuses from pushes and polling, and
// cancels the order (or orders a refusal) on «Отменить».
package delivery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// Config configures the delivery flow. Every value comes from a validated
// configuration, where the defaults are.
type Config struct {
	// API is the courier: the CDEK client. Required.
	API cdek.Courier
	// CDEK is the cdek section. Required.
	CDEK *config.CDEK
	// Statuses are the MoySklad status names. Required.
	Statuses config.Statuses
	// WarehouseStores names the fulfillment warehouses by their MoySklad
	// store id: goods there are shipped by the warehouse, not with
	// skladflow's CDEK account. Defaults to none.
	WarehouseStores map[string]string
}

// Flow is the delivery flow.
type Flow struct {
	cfg Config
	o   *orchestrator.Orchestrator
}

// New builds the flow on the machinery; register it with o.Register.
func New(o *orchestrator.Orchestrator, cfg Config) (*Flow, error) {
	if cfg.API == nil || cfg.CDEK == nil || cfg.Statuses.CDEKSubmit == "" {
		return nil, errors.New("delivery: API, CDEK and Statuses are required")
	}
	return &Flow{cfg: cfg, o: o}, nil
}

// Table is the delivery flow table.
func (f *Flow) Table() *fsm.Flow { return fsm.Delivery() }

// DocumentTypes are the shipment document types of the cdek section.
func (f *Flow) DocumentTypes() []string { return f.cfg.CDEK.Documents }

// Takes a shipment document not lying at a fulfillment warehouse (the
// warehouse's own flows take those), and one that does when staff ask for
// CDEK anyway, to tell them why it is not handed to CDEK.
func (f *Flow) Takes(d *moysklad.Document) bool {
	return f.atWarehouse(d) == "" || d.StateName() == f.cfg.Statuses.CDEKSubmit
}

// Expand: the order needs the goods and the recipient.
func (f *Flow) Expand() []string { return []string{"state", "positions.assortment", "agent"} }

// Commands: documents left in «Передать в СДЭК» are looked for.
func (f *Flow) Commands() []string { return []string{f.cfg.Statuses.CDEKSubmit} }

// States are the statuses of the delivery flow on every shipment document
// type: the command, the results, cancellation, and every status of the
// CDEK status map (Successful for delivered, Unsuccessful for not
// delivered). setup creates them.
func States(s config.Statuses, c *config.CDEK) []moysklad.State {
	out := []moysklad.State{
		{Name: s.CDEKSubmit, StateType: moysklad.StateRegular},
		{Name: s.CDEKSubmitted, StateType: moysklad.StateRegular},
		{Name: s.CDEKFailed, StateType: moysklad.StateUnsuccessful},
		{Name: s.Cancel, StateType: moysklad.StateRegular},
		{Name: s.Cancelled, StateType: moysklad.StateUnsuccessful},
		{Name: s.CancelFailed, StateType: moysklad.StateUnsuccessful},
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
		switch event(code) {
		case fsm.Deliver:
			kind = moysklad.StateSuccessful
		case fsm.NotDeliver:
			kind = moysklad.StateUnsuccessful
		}
		out = append(out, moysklad.State{Name: name, StateType: kind})
	}
	return out
}

// AddWorkers adds the job that polls orders on their way.
func (f *Flow) AddWorkers(w *river.Workers) {
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[PollArgs]) error {
		n, err := f.Poll(ctx)
		if n > 0 {
			f.o.Logger().Debug("deliveries queued for a check", "count", n)
		}
		return err
	}))
}

// PeriodicJobs poll the orders on their way: CDEK sends each push once and
// never again.
func (f *Flow) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(f.cfg.CDEK.PollInterval.Duration),
		func() (river.JobArgs, *river.InsertOpts) { return PollArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
}

// Process acts on a shipment document's status: the CDEK command,
// cancellation, or (with no command) the order's progress at CDEK. A
// cancellation asked of CDEK is followed to its answer first, whatever the
// status says meanwhile.
func (f *Flow) Process(ctx context.Context, r *orchestrator.Run) error {
	state, status, st := r.State(), r.Status(), f.cfg.Statuses
	switch {
	case state == fsm.Cancelling:
		return f.checkCancel(ctx, r)
	case status == st.CDEKSubmit && f.atWarehouse(r.Doc) != "" && fsm.Delivery().Can(state, fsm.Order):
		return r.Refuse(ctx, fsm.Order, st.CDEKFailed, fmt.Sprintf("Не передан в СДЭК: товар на складе %s, а склад отправляет заказы сам, по своим договорам с доставкой; "+
			"СДЭК skladflow для этого склада не используется", f.atWarehouse(r.Doc)))
	case status == st.CDEKSubmit && fsm.Delivery().Can(state, fsm.Order):
		return f.order(ctx, r)
	case status == st.CDEKSubmit:
		return f.refuseOrder(ctx, r)
	case status == st.Cancel && fsm.Delivery().Can(state, fsm.Cancel):
		return f.cancel(ctx, r)
	case status == st.Cancel:
		return f.refuseCancel(ctx, r)
	case state == fsm.Ordering:
		return f.checkOrder(ctx, r)
	case state == fsm.InDelivery:
		return f.track(ctx, r)
	}
	f.o.Logger().Debug("no command", "type", r.Row.Type, "id", r.Row.ID, "status", status, "state", state)
	return nil
}

// Rerun submits a refused order again on an operator's request; anything
// else is processed as if notified.
func (f *Flow) Rerun(ctx context.Context, r *orchestrator.Run) error {
	if r.State() != fsm.OrderFailed {
		return f.Process(ctx, r)
	}
	if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindOperator, Message: "повторный запуск по запросу оператора"}); err != nil {
		return err
	}
	return f.order(ctx, r)
}

// atWarehouse names the fulfillment warehouse a document ships from, or "".
func (f *Flow) atWarehouse(d *moysklad.Document) string {
	return f.cfg.WarehouseStores[d.Store.ID()]
}

// pending asks for another look at a request CDEK has not processed yet
// (an order's creation, its deletion or refusal): soon at first (it takes
// seconds, rarely minutes), then less often, without using up attempts.
func (f *Flow) pending(ctx context.Context) error {
	wait := max(f.cfg.CDEK.CheckAfter.Duration, orchestrator.JobAge(ctx, f.o.Now())/4)
	return orchestrator.Later(min(wait, time.Minute))
}
