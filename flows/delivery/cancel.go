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

// cancel deletes the order while CDEK allows it (no movement yet); after
// that it orders a refusal, and the parcel comes back.
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
	label := "заказ СДЭК " + number
	if r.Row.Delivery.TrackNumber != "" {
		label = "заказ СДЭК № " + r.Row.Delivery.TrackNumber
	}
	env, err := api.GetOrder(ctx, uuid)
	switch {
	case errors.Is(err, cdek.ErrNotFound) || isCDEKInvalid(err):
		// CDEK refused the order or has none: nothing exists to delete.
		return f.cancelled(ctx, r, fsm.Cancel, "Отменён: "+label+" в СДЭК не создан",
			storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders/" + uuid + ": заказа нет", Detail: err.Error()})
	case err != nil:
		return f.cancelFailed(ctx, r, err)
	}
	code := ""
	if cur := env.Entity.Current(); cur != nil {
		code = cur.Code
	}
	switch code {
	case "", cdek.StatusAccepted, cdek.StatusCreated:
		if _, err := api.DeleteOrder(ctx, uuid); err != nil && !errors.Is(err, cdek.ErrNotFound) {
			return f.cancelFailed(ctx, r, err)
		}
		return f.cancelled(ctx, r, fsm.Cancel, "Отменён: "+label+" удалён",
			storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК DELETE /orders/" + uuid + ": принято"})
	case cdek.StatusDelivered, cdek.StatusPostomatReceived, cdek.StatusNotDelivered, cdek.StatusRemoved:
		reason := fmt.Sprintf("%s уже в конечном статусе %s", label, code)
		return f.cancelNotDone(ctx, r, reason, errors.New(reason))
	}
	if _, err := api.Refuse(ctx, uuid); err != nil {
		return f.cancelFailed(ctx, r, err)
	}
	return f.cancelled(ctx, r, fsm.Refuse, "Отменён: посылка уже у СДЭК, оформлен отказ — "+label+" вернётся отправителю",
		storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК POST /orders/" + uuid + "/refusal: принято"})
}

// isCDEKInvalid: CDEK answered, with the order's request INVALID.
func isCDEKInvalid(err error) bool {
	var ce *cdek.Error
	return errors.As(err, &ce) && ce.Status/100 == 2
}

func (f *Flow) cancelled(ctx context.Context, r *orchestrator.Run, ev fsm.Event, line string, entries ...storage.TimelineEntry) error {
	entry, err := r.Say(ctx, f.cfg.Statuses.Cancelled, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, ev, func(_ *storage.Tx, d *storage.Document) error {
		d.LastError = ""
		if ev == fsm.Cancel {
			d.Attempt++ // a new «Передать в СДЭК» is a new order
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
