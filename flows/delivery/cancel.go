package delivery

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// cancel asks CDEK to delete the order while CDEK allows it (no movement
// yet), or to refuse it afterwards, and the parcel comes back. Both are
// asynchronous (cdek.md §7): the document waits in Cancelling, and
// checkCancel writes «Отменён» only once CDEK confirms.
//
// A run that died after asking, before recording it, left its request on
// the order's request list (§2): the next run finds it there and does not
// ask twice.
func (f *Flow) cancel(ctx context.Context, r *orchestrator.Run) error {
	api, number, uuid := f.cfg.API, r.Row.Delivery.OrderNumber, r.Row.Delivery.OrderUUID
	if uuid == "" {
		env, err := api.FindOrder(ctx, number)
		switch {
		case errors.Is(err, cdek.ErrNotFound):
			return f.cancelled(ctx, r, fsm.Cancel, "Отменён: заказ в СДЭК не создавался",
				storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders?im_number=" + number + ": заказа нет"})
		case err != nil:
			return f.cancelFailed(ctx, r, err)
		}
		uuid = env.Entity.UUID
	}
	label := orderLabel(r.Row.Delivery)
	env, err := api.GetOrder(ctx, uuid)
	switch {
	case errors.Is(err, cdek.ErrNotFound) || isCDEKInvalid(err):
		// CDEK refused the order or has none: nothing exists to delete.
		return f.cancelled(ctx, r, fsm.Cancel, "Отменён: "+label+" в СДЭК не создан",
			storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders/" + uuid + ": заказа нет", Detail: err.Error()})
	case err != nil:
		return f.cancelFailed(ctx, r, err)
	}
	if q := env.Latest(cdek.RequestCreate); q != nil && q.State != cdek.StateSuccessful {
		// Not validated yet: CDEK deletes only a CREATED order (§7).
		if r.LastTry {
			reason := fmt.Sprintf("СДЭК не подтвердил %s за %s", label, f.o.RetryHorizon())
			return f.cancelNotDone(ctx, r, reason, errors.New(reason))
		}
		return f.pending(ctx)
	}
	code := ""
	if cur := env.Entity.Current(); cur != nil {
		code = cur.Code
	}
	call := storage.TimelineEntry{Kind: storage.KindCall}
	if q := env.Latest(cdek.RequestDelete, cdek.RequestCreateRefusal); q != nil && q.State != cdek.StateInvalid {
		call.Kind, call.Message = storage.KindRecovered, fmt.Sprintf("СДЭК: %s по заказу уже запрошен (%s) прерванным запуском — не повторяю", q.Type, q.State)
	} else {
		switch code {
		case cdek.StatusRemoved:
			return f.cancelled(ctx, r, fsm.Cancel, "Отменён: "+label+" удалён в СДЭК",
				storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders/" + uuid + ": REMOVED"})
		case cdek.StatusDelivered, cdek.StatusPostomatReceived, cdek.StatusNotDelivered:
			reason := fmt.Sprintf("%s уже в конечном статусе %s", label, code)
			return f.cancelNotDone(ctx, r, reason, errors.New(reason))
		case "", cdek.StatusAccepted, cdek.StatusCreated:
			call.Message = "СДЭК DELETE /orders/" + uuid + ": принято к проверке"
			_, err = api.DeleteOrder(ctx, uuid)
		default:
			call.Message = "СДЭК POST /orders/" + uuid + "/refusal: принято к проверке"
			_, err = api.Refuse(ctx, uuid)
		}
		switch {
		case errors.Is(err, cdek.ErrNotFound):
			return f.cancelled(ctx, r, fsm.Cancel, "Отменён: "+label+" в СДЭК не найден",
				storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК: заказа " + uuid + " нет", Detail: err.Error()})
		case err != nil:
			return f.cancelFailed(ctx, r, err)
		}
	}
	if err := r.Transition(ctx, fsm.CancelAsked, func(_ *storage.Tx, d *storage.Document) error {
		d.Delivery.OrderUUID = uuid
		if d.Delivery.TrackNumber == "" {
			// Cancelled before skladflow saw the order validated.
			d.Delivery.TrackNumber = string(env.Entity.CDEKNumber)
		}
		return nil
	}, call); err != nil {
		return err
	}
	return f.checkCancel(ctx, r)
}

// orderLabel names the order for staff: CDEK's number once known.
func orderLabel(d storage.Delivery) string {
	if d.TrackNumber != "" {
		return "заказ СДЭК № " + d.TrackNumber
	}
	return "заказ СДЭК " + d.OrderNumber
}

// isCDEKInvalid: CDEK answered, with the order's CREATE request INVALID.
func isCDEKInvalid(err error) bool {
	var ce *cdek.Error
	return errors.As(err, &ce) && ce.Status/100 == 2
}

// cancelled writes «Отменён»; once the order is gone a new «Передать в
// СДЭК» is a new order.
func (f *Flow) cancelled(ctx context.Context, r *orchestrator.Run, ev fsm.Event, line string, entries ...storage.TimelineEntry) error {
	entry, err := r.Say(ctx, f.cfg.Statuses.Cancelled, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, ev, func(_ *storage.Tx, d *storage.Document) error {
		d.LastError = ""
		if ev != fsm.Refuse {
			d.Attempt++
		}
		return nil
	}, append(entries, entry)...)
}

// cancelFailed writes «Ошибка отмены» with CDEK's answer; a temporary
// failure is retried first.
func (f *Flow) cancelFailed(ctx context.Context, r *orchestrator.Run, cause error) error {
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК: отмена заказа " + r.Row.Delivery.OrderNumber + ": ошибка", Detail: cause.Error()}
	return r.Failed(ctx, cause, call, func() error {
		return f.cancelNotDone(ctx, r, cdekCause(cause, r.LastTry), cause)
	})
}

// cancelNotDone writes «Ошибка отмены» with the reason; tracking goes on.
func (f *Flow) cancelNotDone(ctx context.Context, r *orchestrator.Run, reason string, cause error) error {
	entry, err := r.Say(ctx, f.cfg.Statuses.CancelFailed, "Отмена не выполнена: "+reason)
	if err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindError, Message: cause.Error()}, entry)
}

// refuseCancel answers «Отменить» the flow does not allow.
func (f *Flow) refuseCancel(ctx context.Context, r *orchestrator.Run) error {
	var line string
	switch r.State() {
	case fsm.New, fsm.OrderFailed:
		line = "Отменять нечего: заказ в СДЭК не создан"
	case fsm.Cancelled:
		line = "Документ уже отменён"
	default:
		line = fmt.Sprintf("Отмена не выполнена: заказ СДЭК № %s уже завершён (%s)", r.Row.Delivery.TrackNumber, r.Row.Delivery.Status)
	}
	return r.Refuse(ctx, fsm.Cancel, f.cfg.Statuses.CancelFailed, line)
}
