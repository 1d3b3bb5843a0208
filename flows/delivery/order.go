package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// order creates the CDEK order, or finds the one an earlier run created.
//
// Our number is saved (state Ordering) before CDEK is called and CDEK is
// asked for it before any create, so a retry after a crash or a lost
// answer never makes a second order.
func (f *Flow) order(ctx context.Context, r *orchestrator.Run) error {
	doc := r.Doc
	if r.State() != fsm.Ordering {
		attempt := max(r.Row.Attempt, 1)
		number := orderNumber(doc, attempt)
		if err := r.Transition(ctx, fsm.Order, func(_ *storage.Tx, d *storage.Document) error {
			d.Name, d.Attempt, d.LastError = doc.Name, attempt, ""
			d.Delivery = storage.Delivery{OrderNumber: number}
			return nil
		}, storage.TimelineEntry{Kind: storage.KindDecision, Message: fmt.Sprintf("статус «%s»: создаю заказ СДЭК %s", r.Status(), number)}); err != nil {
			return err
		}
	}
	if r.Row.Delivery.OrderUUID != "" {
		return f.checkOrder(ctx, r)
	}
	number := r.Row.Delivery.OrderNumber
	ord, problems := buildOrder(doc, number, f.cfg.CDEK)
	if problems != nil {
		return f.failOrder(ctx, r, "Не передан в СДЭК: "+problems.Error(), problems)
	}
	env, err := f.cfg.API.FindOrder(ctx, number)
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders?im_number=" + number + ": заказ уже есть"}
	if errors.Is(err, cdek.ErrNotFound) {
		env, err = f.cfg.API.CreateOrder(ctx, ord)
		call.Message = "СДЭК POST /orders " + number + ": принят к проверке"
	}
	if err != nil {
		call.Message, call.Detail = "СДЭК: заказ "+number+" не создан", err.Error()
		return r.Failed(ctx, err, call, func() error {
			return f.failOrder(ctx, r, "Не передан в СДЭК: "+cdekCause(err, r.LastTry), err, call)
		})
	}
	call.Detail = "uuid " + env.Entity.UUID
	if err := r.Transition(ctx, fsm.Order, func(_ *storage.Tx, d *storage.Document) error {
		d.Delivery.OrderUUID = env.Entity.UUID
		return nil
	}, call); err != nil {
		return err
	}
	return f.checkOrder(ctx, r)
}

// checkOrder reads a new order back: CDEK answers ACCEPTED at once and
// validates later. The number is written to MoySklad only once the order
// is SUCCESSFUL and has its CDEK number.
func (f *Flow) checkOrder(ctx context.Context, r *orchestrator.Run) error {
	d := r.Row.Delivery
	if d.OrderUUID == "" {
		// A crash between create and save: the look-up in order finds it.
		return f.order(ctx, r)
	}
	env, err := f.cfg.API.GetOrder(ctx, d.OrderUUID)
	if err != nil {
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "СДЭК GET /orders/" + d.OrderUUID + ": ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			call.Message = "СДЭК GET /orders/" + d.OrderUUID + ": заказ отклонён"
			return f.failOrder(ctx, r, fmt.Sprintf("Не передан в СДЭК: заказ %s: %s", d.OrderNumber, cdekCause(err, r.LastTry)), err, call)
		})
	}
	track := string(env.Entity.CDEKNumber)
	if !successful(env) || track == "" {
		if r.LastTry {
			return f.failOrder(ctx, r, fmt.Sprintf("Не передан в СДЭК: СДЭК не подтвердил заказ %s за %s", d.OrderNumber, f.o.RetryHorizon()),
				errors.New("order still not validated by CDEK"))
		}
		return f.pending(ctx)
	}
	var upd moysklad.DocumentUpdate
	lines := []string{fmt.Sprintf("Передан в СДЭК: заказ № %s (номер магазина %s)", track, d.OrderNumber)}
	if name := f.cfg.CDEK.NumberAttribute; name != "" {
		attr, ok, err := f.o.Attribute(ctx, r.Doc.Type(), name)
		switch {
		case err != nil:
			return err
		case ok:
			upd.Attributes = []moysklad.Attribute{attr.WithValue(track)}
		default:
			lines = append(lines, fmt.Sprintf("Доп. поле «%s» не найдено: номер СДЭК записан только сюда (запустите skladflow setup)", name))
		}
	}
	entry, err := r.WriteBack(ctx, f.cfg.Statuses.CDEKSubmitted, upd, lines...)
	if err != nil {
		return err
	}
	cur := env.Entity.Current()
	moved := cur != nil && cur.Code != cdek.StatusAccepted && cur.Code != cdek.StatusCreated
	err = r.Transition(ctx, fsm.OrderOK, func(_ *storage.Tx, x *storage.Document) error {
		x.Delivery.TrackNumber = track
		if cur != nil && !moved {
			x.Delivery.Status, x.Delivery.StatusAt = cur.Code, cur.DateTime.Time
		}
		return nil
	}, storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("СДЭК GET /orders/%s: SUCCESSFUL, № %s", d.OrderUUID, track)}, entry)
	if err == nil && moved {
		// The parcel moved on before skladflow looked: apply its status in
		// a run of its own, on the document as it is now.
		err = f.o.Store().QueueProcess(ctx, r.Doc.Type(), r.Doc.ID)
	}
	return err
}

// successful: CDEK validated the order's CREATE request; other requests
// on the order (a refused DELETE, say) do not make it invalid.
func successful(env *cdek.Envelope) bool {
	q := env.Latest(cdek.RequestCreate)
	return q != nil && q.State == cdek.StateSuccessful
}

// failOrder writes «Ошибка СДЭК» with the cause.
func (f *Flow) failOrder(ctx context.Context, r *orchestrator.Run, line string, cause error, entries ...storage.TimelineEntry) error {
	// A fixed document is a new order: CDEK keeps the refused number.
	return r.Fail(ctx, fsm.OrderInvalid, f.cfg.Statuses.CDEKFailed, line, cause, func(d *storage.Document) { d.Attempt++ }, entries...)
}

// refuseOrder answers «Передать в СДЭК» for a document already with CDEK.
func (f *Flow) refuseOrder(ctx context.Context, r *orchestrator.Run) error {
	back := f.cfg.CDEK.Statuses[r.Row.Delivery.Status]
	if back == "" {
		back = f.cfg.Statuses.CDEKSubmitted
	}
	return r.Refuse(ctx, fsm.Order, back, fmt.Sprintf("Повторная передача в СДЭК не выполнена: заказ № %s уже создан", r.Row.Delivery.TrackNumber))
}

// cdekCause is a CDEK error as staff read it: CDEK's own messages.
func cdekCause(err error, lastTry bool) string {
	var ce *cdek.Error
	if errors.As(err, &ce) && len(ce.Problems) > 0 {
		msgs := make([]string, 0, len(ce.Problems))
		for _, p := range ce.Problems {
			msgs = append(msgs, fmt.Sprintf("%s (%s)", p.Message, p.Code))
		}
		return "СДЭК ответил: " + strings.Join(msgs, "; ")
	}
	if lastTry && orchestrator.Temporary(err) {
		return "СДЭК недоступен, повторные попытки исчерпаны (" + err.Error() + ")"
	}
	return err.Error()
}
