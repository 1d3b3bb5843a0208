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

// checkCancel reads CDEK's answer to the deletion or refusal asked (the
// newest such request on the order, cdek.md §2, §7): «Отменён» once CDEK
// confirms, «Ошибка отмены» with CDEK's reason when it refuses, and
// tracking goes on; while CDEK has not answered, another look soon.
func (f *Flow) checkCancel(ctx context.Context, r *orchestrator.Run) error {
	d := r.Row.Delivery
	label := orderLabel(d)
	read := storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders/" + d.OrderUUID}
	env, err := f.cfg.API.GetOrder(ctx, d.OrderUUID)
	switch {
	case errors.Is(err, cdek.ErrNotFound):
		// Gone after a deletion (§7, unconfirmed): nothing left to deliver.
		read.Message += ": заказа больше нет"
		return f.cancelled(ctx, r, fsm.CancelOK, "Отменён: "+label+" удалён", read)
	case err != nil:
		read.Message, read.Detail = read.Message+": ошибка", err.Error()
		return r.Failed(ctx, err, read, func() error {
			return f.cancelRefused(ctx, r, nil, "Отмена не подтверждена: "+label+": "+cdekCause(err, r.LastTry), err, read)
		})
	}
	q := env.Latest(cdek.RequestDelete, cdek.RequestCreateRefusal)
	code := ""
	if cur := env.Entity.Current(); cur != nil {
		code = cur.Code
	}
	if q != nil {
		read.Message += fmt.Sprintf(": %s %s", q.Type, q.State)
	}
	switch {
	case code == cdek.StatusRemoved || (q != nil && q.Type == cdek.RequestDelete && q.State == cdek.StateSuccessful):
		return f.cancelled(ctx, r, fsm.CancelOK, "Отменён: "+label+" удалён", read)
	case code == cdek.StatusNotDelivered || (q != nil && q.Type == cdek.RequestCreateRefusal && q.State == cdek.StateSuccessful):
		if err := f.cancelled(ctx, r, fsm.Refuse, "Отменён: посылка уже у СДЭК, оформлен отказ — "+label+" вернётся отправителю", read); err != nil {
			return err
		}
		return f.followUp(ctx, r, env)
	case q != nil && q.State == cdek.StateInvalid:
		what := label + " не удалён"
		if q.Type == cdek.RequestCreateRefusal {
			what = "отказ по " + label + " не оформлен"
		}
		cause := &cdek.Error{Status: 200, Op: q.Type + " /orders/" + d.OrderUUID, Problems: q.Errors}
		return f.cancelRefused(ctx, r, env, "Отмена не выполнена: "+what+": "+cdekCause(cause, false), cause, read)
	case code == cdek.StatusDelivered || code == cdek.StatusPostomatReceived:
		reason := fmt.Sprintf("Отмена не выполнена: %s уже в конечном статусе %s", label, code)
		return f.cancelRefused(ctx, r, env, reason, errors.New(reason), read)
	case r.LastTry:
		reason := fmt.Sprintf("Отмена не подтверждена: СДЭК не ответил по %s за %s", label, f.o.RetryHorizon())
		return f.cancelRefused(ctx, r, env, reason, errors.New(reason), read)
	}
	return f.pending(ctx)
}

// cancelRefused writes «Ошибка отмены» with the line; the order stays with
// CDEK and tracking goes on.
func (f *Flow) cancelRefused(ctx context.Context, r *orchestrator.Run, env *cdek.Envelope, line string, cause error, entries ...storage.TimelineEntry) error {
	if err := r.Fail(ctx, fsm.CancelFail, f.cfg.Statuses.CancelFailed, line, cause, nil, entries...); err != nil {
		return err
	}
	return f.followUp(ctx, r, env)
}

// followUp applies, in a run of its own, a status the parcel reached while
// the document waited for CDEK's answer.
func (f *Flow) followUp(ctx context.Context, r *orchestrator.Run, env *cdek.Envelope) error {
	if env == nil || !newer(env.Entity.Current(), r.Row.Delivery) {
		return nil
	}
	return f.o.Store().QueueProcess(ctx, r.Doc.Type(), r.Doc.ID)
}
