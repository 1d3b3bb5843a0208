package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// cancel asks the warehouse to cancel the order (#order_cancel_desc):
// before picking it is cancelled at once («Отменён»); while it is picked
// the cancellation is only requested («Отменяется») and finished by the
// orders_cancel document — or the orders_shipment, when it left anyway.
func (f *Flow) cancel(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	id := r.Row.IndocID
	if r.State() != fsm.Cancelling {
		if err := r.Transition(ctx, fsm.Cancel, nil, storage.TimelineEntry{Kind: storage.KindDecision,
			Message: fmt.Sprintf("статус «%s»: отменяю заказ %s на складе %s", r.Status(), id, wh.Name)}); err != nil {
			return err
		}
	}
	state, call, err := f.cancelAt(ctx, wh, id)
	if err != nil {
		return r.Failed(ctx, err, call, func() error {
			line := fmt.Sprintf("Отмена не выполнена: склад %s не отменил заказ %s: %s", wh.Name, id, minilog.Cause(err))
			return r.Fail(ctx, fsm.CancelFail, f.cfg.Statuses.CancelFailed, line, err, nil, call)
		})
	}
	if state == fulfillment.OrderCancellationRequested {
		entry, err := r.Say(ctx, f.cfg.Statuses.Cancelling, fmt.Sprintf("Отменяется: склад %s уже собирает заказ %s; отмена запрошена, склад снимет его со сборки", wh.Name, id))
		if err != nil {
			return err
		}
		return r.Note(ctx, call, entry)
	}
	return f.cancelled(ctx, r, fmt.Sprintf("Отменён: заказ %s отменён на складе %s", id, wh.Name), call)
}

// cancelled finishes a cancellation: «Отменён», and the next submission
// sends a new order_id, so the cancelled order's documents never reach it.
func (f *Flow) cancelled(ctx context.Context, r *orchestrator.Run, line string, entries ...storage.TimelineEntry) error {
	entry, err := r.Say(ctx, f.cfg.Statuses.Cancelled, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.CancelOK, func(_ *storage.Tx, d *storage.Document) error {
		d.Attempt = max(d.Attempt, 1) + 1
		d.LastError = ""
		return nil
	}, append(entries, entry)...)
}

// cancelAt sends POST /orders/cancel for one order and returns its state;
// an order the warehouse does not have counts as cancelled.
func (f *Flow) cancelAt(ctx context.Context, wh *feed.Warehouse, id string) (string, storage.TimelineEntry, error) {
	res, err := wh.API.CancelOrders(ctx, id)
	if err != nil {
		return "", storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox POST /orders/cancel " + id + ": ошибка", Detail: err.Error()}, err
	}
	state := fulfillment.OrderNotFound
	for _, c := range res {
		if c.OrderID == id {
			state = c.State
		}
	}
	return state, storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("FBox POST /orders/cancel %s: %s", id, state)}, nil
}

// cancelShipped answers «Отменить» on a shipped order: the warehouse is
// still asked, so that it tells the delivery service to bring the parcel
// back (#order_cancel_desc 4), but the order stays shipped.
func (f *Flow) cancelShipped(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	id := r.Row.IndocID
	_, call, err := f.cancelAt(ctx, wh, id)
	if err != nil {
		return r.Failed(ctx, err, call, func() error {
			line := fmt.Sprintf("Ошибка отмены: заказ %s уже отгружен, склад %s не принял запрос на возврат: %s", id, wh.Name, minilog.Cause(err))
			return r.Refuse(ctx, fsm.CancelLate, f.cfg.Statuses.CancelFailed, line)
		})
	}
	entry, err := r.Say(ctx, f.cfg.Statuses.CancelFailed, "Ошибка отмены: заказ уже отгружен, склад запросил возврат у службы доставки")
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.CancelLate, nil, call, entry)
}

// refuseCancel answers a cancel command with nothing to cancel.
func (f *Flow) refuseCancel(ctx context.Context, r *orchestrator.Run) error {
	if r.State() == fsm.Cancelled {
		return r.Refuse(ctx, fsm.Cancel, f.cfg.Statuses.Cancelled, "Заказ уже отменён")
	}
	return r.Refuse(ctx, fsm.Cancel, f.cfg.Statuses.CancelFailed, "Отменять нечего: заказ не передавался на склад")
}

// resend sends a changed order again (staff set «Передать на склад» on a
// submitted order): the warehouse's order is cancelled and a new one sent,
// while picking has not started. Once it has, the change is refused.
func (f *Flow) resend(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	id, st := r.Row.IndocID, f.cfg.Statuses
	back := map[fsm.State]string{fsm.Submitted: st.OrderSubmitted, fsm.Deficit: st.Deficit}[r.State()]
	info, err := wh.API.OrderInfo(ctx, id)
	if err != nil && !errors.Is(err, fulfillment.ErrNotFound) {
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox GET /orders/" + id + "/info: ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			return r.Refuse(ctx, fsm.Submit, back, fmt.Sprintf("Изменения не переданы: склад %s не ответил о заказе %s: %s", wh.Name, id, minilog.Cause(err)))
		})
	}
	if info != nil && picked(info) {
		return r.Refuse(ctx, fsm.Submit, st.Picking, pickingRefusal(wh, id))
	}
	state := fulfillment.OrderCanceled
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox GET /orders/" + id + "/info: заказ уже отменён"}
	if info != nil && !info.Canceled {
		if state, call, err = f.cancelAt(ctx, wh, id); err != nil {
			return r.Failed(ctx, err, call, func() error {
				return r.Refuse(ctx, fsm.Submit, back, fmt.Sprintf("Изменения не переданы: склад %s не отменил заказ %s: %s", wh.Name, id, minilog.Cause(err)))
			})
		}
	}
	if state == fulfillment.OrderCancellationRequested {
		// Picking started after all: the cancellation goes on, the change
		// waits for it.
		if err := r.Transition(ctx, fsm.Cancel, nil, call); err != nil {
			return err
		}
		_, err := r.Say(ctx, st.Cancelling, fmt.Sprintf("Изменения не переданы: склад %s уже начал сборку заказа %s; отмена запрошена — после отмены передайте заказ снова", wh.Name, id))
		return err
	}
	if err := r.Note(ctx, call, storage.TimelineEntry{Kind: storage.KindDecision,
		Message: fmt.Sprintf("заказ изменён: прежний заказ %s отменён на складе, передаю заново", id)}); err != nil {
		return err
	}
	return f.submit(ctx, r, wh, max(r.Row.Attempt, 1)+1)
}

// picked reports an order the warehouse has taken into production.
func picked(info *fulfillment.OrderInfo) bool {
	for _, t := range []string{fulfillment.OutdocOrdersProductionStart, fulfillment.OutdocOrdersPallet, fulfillment.OutdocOrdersShipment} {
		if info.Has(t) {
			return true
		}
	}
	return false
}
