package delivery

import (
	"context"
	"fmt"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// event is the flow event a CDEK status code brings.
func event(code string) fsm.Event {
	switch code {
	case cdek.StatusDelivered, cdek.StatusPostomatReceived:
		return fsm.Deliver
	case cdek.StatusNotDelivered:
		return fsm.NotDeliver
	case cdek.StatusRemoved:
		return fsm.Removed
	}
	return fsm.Track
}

// track applies the order's current CDEK status. A push is only a hint:
// the order is read, and a status no newer than the one applied changes
// nothing, so duplicate and late pushes make no second transition.
func (f *Flow) track(ctx context.Context, r *orchestrator.Run) error {
	d := r.Row.Delivery
	env, err := f.cfg.API.GetOrder(ctx, d.OrderUUID)
	if err != nil {
		return fmt.Errorf("read CDEK order %s: %w", d.OrderUUID, err)
	}
	cur := env.Entity.Current()
	if !newer(cur, d) {
		return nil
	}
	ev := event(cur.Code)
	text := fmt.Sprintf("СДЭК: %s", statusText(cur))
	entries := []storage.TimelineEntry{{Kind: storage.KindEvent, Message: text + " [" + cur.Code + "]"}}
	name := f.cfg.CDEK.Statuses[cur.Code]
	if ev == fsm.Removed {
		name = f.cfg.Statuses.Cancelled
		text = "Заказ СДЭК № " + d.TrackNumber + " удалён в СДЭК"
	}
	if name != "" && (name != r.Status() || ev != fsm.Track) {
		entry, err := r.Say(ctx, name, text)
		if err != nil {
			return err
		}
		entries = append(entries, entry)
	}
	return r.Transition(ctx, ev, func(_ *storage.Tx, x *storage.Document) error {
		x.Delivery.Status, x.Delivery.StatusAt = cur.Code, cur.DateTime.Time
		return nil
	}, entries...)
}

// newer reports whether a CDEK status is one not applied yet: a status no
// newer than the one applied changes nothing.
func newer(cur *cdek.Status, d storage.Delivery) bool {
	return cur != nil && !(cur.Code == d.Status && !cur.DateTime.After(d.StatusAt)) && !cur.DateTime.Before(d.StatusAt)
}

// statusText is a CDEK status as staff read it.
func statusText(s *cdek.Status) string {
	t := s.Name
	if t == "" {
		t = s.Code
	}
	if s.City != "" {
		t += " (" + s.City + ")"
	}
	if s.ReasonCode != "" {
		t += ", причина " + s.ReasonCode
	}
	return t
}

// PollArgs reads every order still on its way: CDEK sends each push once
// and never again, so a lost one is caught here.
type PollArgs struct{}

func (PollArgs) Kind() string { return "poll_deliveries" }

// Poll queues a check of every document waiting on CDEK: an order to
// validate, a parcel on its way, a cancellation to confirm.
func (f *Flow) Poll(ctx context.Context) (int, error) {
	n := 0
	for _, st := range []fsm.State{fsm.Ordering, fsm.InDelivery, fsm.Cancelling} {
		docs, err := f.o.Store().Documents(ctx, storage.DocumentFilter{Flow: fsm.Delivery().Name(), State: string(st), Limit: 100000})
		if err != nil {
			return n, err
		}
		for _, d := range docs {
			if err := f.o.Store().QueueProcess(ctx, d.Type, d.ID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
