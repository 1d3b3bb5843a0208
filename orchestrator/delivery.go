package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// isDelivery reports whether documents of typ are shipped with CDEK.
func (o *Orchestrator) isDelivery(typ string) bool {
	return o.cfg.Delivery != nil && slices.Contains(o.cfg.Delivery.Config.Documents, typ)
}

// flowFor is the flow table documents of typ follow.
func (o *Orchestrator) flowFor(typ string) *fsm.Flow {
	if o.isDelivery(typ) {
		return fsm.Delivery()
	}
	return fsm.Inbound()
}

// expandFor is what a decision needs of a document of typ.
func (o *Orchestrator) expandFor(typ string) []string {
	if o.isDelivery(typ) {
		return []string{"state", "positions.assortment", "agent"}
	}
	return expand
}

// errPending means CDEK has not validated an order yet: look again shortly.
var errPending = errors.New("orchestrator: carrier has not answered yet")

// processDelivery acts on a shipment document's status: the CDEK command,
// cancellation, or (with no command) the order's progress at CDEK.
func (o *Orchestrator) processDelivery(ctx context.Context, doc *moysklad.Document, lastTry bool) error {
	row, err := o.row(ctx, doc.Type(), doc.ID)
	if err != nil {
		return err
	}
	state, status, st := fsm.State(row.State), doc.StateName(), o.cfg.Statuses
	switch {
	case status == st.CDEKSubmit && fsm.Delivery().Can(state, fsm.Order):
		return o.order(ctx, doc, row, lastTry)
	case status == st.CDEKSubmit:
		return o.refuseOrder(ctx, doc, row)
	case status == st.Cancel && fsm.Delivery().Can(state, fsm.Cancel):
		return o.cancelDelivery(ctx, doc, row, lastTry)
	case status == st.Cancel:
		return o.refuseDeliveryCancel(ctx, doc, row)
	case state == fsm.Ordering:
		return o.checkOrder(ctx, doc, row, lastTry)
	case state == fsm.InDelivery:
		return o.track(ctx, doc, row)
	}
	o.log.Debug("no command", "type", doc.Type(), "id", doc.ID, "status", status, "state", state)
	return nil
}

// order creates the CDEK order, or finds the one an earlier run created.
//
// Our number is saved (state Ordering) before CDEK is called and CDEK is
// asked for it before any create, so a retry after a crash or a lost
// answer never makes a second order.
func (o *Orchestrator) order(ctx context.Context, doc *moysklad.Document, row storage.Document, lastTry bool) error {
	d := o.cfg.Delivery
	if fsm.State(row.State) != fsm.Ordering {
		attempt := max(row.Attempt, 1)
		number := orderNumber(doc, attempt)
		var err error
		row, err = o.transition(ctx, row, fsm.Order, func(_ *storage.Tx, r *storage.Document) error {
			r.Name, r.Attempt, r.LastError = doc.Name, attempt, ""
			r.Delivery = storage.Delivery{OrderNumber: number}
			return nil
		}, storage.TimelineEntry{Kind: "decision", Message: fmt.Sprintf("статус «%s»: создаю заказ СДЭК %s", doc.StateName(), number)})
		if err != nil {
			return err
		}
	}
	if row.Delivery.OrderUUID != "" {
		return o.checkOrder(ctx, doc, row, lastTry)
	}
	number := row.Delivery.OrderNumber
	ord, problems := buildOrder(doc, number, d.Config)
	if problems != nil {
		return o.failOrder(ctx, doc, row, "Не передан в СДЭК: "+problems.Error(), problems)
	}
	env, err := d.API.FindOrder(ctx, number)
	call := storage.TimelineEntry{Kind: "call", Message: "СДЭК GET /orders?im_number=" + number + ": заказ уже есть"}
	if errors.Is(err, cdek.ErrNotFound) {
		env, err = d.API.CreateOrder(ctx, ord)
		call.Message = "СДЭК POST /orders " + number + ": принят к проверке"
	}
	if err != nil {
		call.Message, call.Detail = "СДЭК: заказ "+number+" не создан", err.Error()
		if temporary(err) && !lastTry {
			if nerr := o.note(ctx, row, call); nerr != nil {
				return nerr
			}
			return err
		}
		return o.failOrder(ctx, doc, row, "Не передан в СДЭК: "+cdekCause(err, lastTry), err, call)
	}
	call.Detail = "uuid " + env.Entity.UUID
	row, err = o.transition(ctx, row, fsm.Order, func(_ *storage.Tx, r *storage.Document) error {
		r.Delivery.OrderUUID = env.Entity.UUID
		return nil
	}, call)
	if err != nil {
		return err
	}
	return o.checkOrder(ctx, doc, row, lastTry)
}

// checkOrder reads a new order back: CDEK answers ACCEPTED at once and
// validates later. The number is written to MoySklad only once the order
// is SUCCESSFUL and has its CDEK number.
func (o *Orchestrator) checkOrder(ctx context.Context, doc *moysklad.Document, row storage.Document, lastTry bool) error {
	d := o.cfg.Delivery
	if row.Delivery.OrderUUID == "" {
		// A crash between create and save: the look-up in order finds it.
		return o.order(ctx, doc, row, lastTry)
	}
	env, err := d.API.GetOrder(ctx, row.Delivery.OrderUUID)
	switch {
	case err != nil && temporary(err) && !lastTry:
		return err
	case err != nil:
		return o.failOrder(ctx, doc, row, fmt.Sprintf("Не передан в СДЭК: заказ %s: %s", row.Delivery.OrderNumber, cdekCause(err, lastTry)), err,
			storage.TimelineEntry{Kind: "call", Message: "СДЭК GET /orders/" + row.Delivery.OrderUUID + ": заказ отклонён", Detail: err.Error()})
	}
	track := string(env.Entity.CDEKNumber)
	if !successful(env) || track == "" {
		if lastTry {
			return o.failOrder(ctx, doc, row, fmt.Sprintf("Не передан в СДЭК: СДЭК не подтвердил заказ %s за %s", row.Delivery.OrderNumber, o.cfg.RetryHorizon),
				errors.New("order still not validated by CDEK"))
		}
		return errPending
	}
	var upd moysklad.DocumentUpdate
	lines := []string{fmt.Sprintf("Передан в СДЭК: заказ № %s (номер магазина %s)", track, row.Delivery.OrderNumber)}
	if name := d.Config.NumberAttribute; name != "" {
		attr, ok, err := o.attrs.get(ctx, doc.Type(), name)
		switch {
		case err != nil:
			return err
		case ok:
			upd.Attributes = []moysklad.Attribute{attr.WithValue(track)}
		default:
			lines = append(lines, fmt.Sprintf("Доп. поле «%s» не найдено: номер СДЭК записан только сюда (запустите skladflow setup)", name))
		}
	}
	entry, err := o.writeBackUpdate(ctx, doc, o.cfg.Statuses.CDEKSubmitted, upd, lines...)
	if err != nil {
		return err
	}
	cur := env.Entity.Current()
	moved := cur != nil && cur.Code != "ACCEPTED" && cur.Code != "CREATED"
	_, err = o.transition(ctx, row, fsm.OrderOK, func(_ *storage.Tx, r *storage.Document) error {
		r.Delivery.TrackNumber = track
		if cur != nil && !moved {
			r.Delivery.Status, r.Delivery.StatusAt = cur.Code, cur.DateTime.Time
		}
		return nil
	}, storage.TimelineEntry{Kind: "call", Message: fmt.Sprintf("СДЭК GET /orders/%s: SUCCESSFUL, № %s", row.Delivery.OrderUUID, track)}, entry)
	if err == nil && moved {
		// The parcel moved on before skladflow looked: apply its status in
		// a run of its own, on the document as it is now.
		err = o.store.QueueProcess(ctx, doc.Type(), doc.ID)
	}
	return err
}

func successful(env *cdek.Envelope) bool {
	for _, r := range env.Requests {
		if r.Type == "CREATE" && r.State == cdek.StateSuccessful {
			return true
		}
	}
	return false
}

// failOrder writes «Ошибка СДЭК» with the cause.
func (o *Orchestrator) failOrder(ctx context.Context, doc *moysklad.Document, row storage.Document, line string, cause error, entries ...storage.TimelineEntry) error {
	// A fixed document is a new order: CDEK keeps the refused number.
	return o.fail(ctx, doc, row, fsm.OrderInvalid, o.cfg.Statuses.CDEKFailed, line, cause, func(r *storage.Document) { r.Attempt++ }, entries...)
}

// deliveryEvent is the flow event a CDEK status code brings.
func deliveryEvent(code string) fsm.Event {
	switch code {
	case "DELIVERED", "POSTOMAT_RECEIVED":
		return fsm.Deliver
	case "NOT_DELIVERED":
		return fsm.NotDeliver
	case "REMOVED":
		return fsm.Removed
	}
	return fsm.Track
}

// track applies the order's current CDEK status. A push is only a hint:
// the order is read, and a status no newer than the one applied changes
// nothing, so duplicate and late pushes make no second transition.
func (o *Orchestrator) track(ctx context.Context, doc *moysklad.Document, row storage.Document) error {
	env, err := o.cfg.Delivery.API.GetOrder(ctx, row.Delivery.OrderUUID)
	if err != nil {
		return fmt.Errorf("read CDEK order %s: %w", row.Delivery.OrderUUID, err)
	}
	cur := env.Entity.Current()
	if cur == nil || (cur.Code == row.Delivery.Status && !cur.DateTime.After(row.Delivery.StatusAt)) || cur.DateTime.Before(row.Delivery.StatusAt) {
		return nil
	}
	ev := deliveryEvent(cur.Code)
	text := fmt.Sprintf("СДЭК: %s", statusText(cur))
	entries := []storage.TimelineEntry{{Kind: "event", Message: text + " [" + cur.Code + "]"}}
	name := o.cfg.Delivery.Config.Statuses[cur.Code]
	if ev == fsm.Removed {
		name = o.cfg.Statuses.Cancelled
		text = "Заказ СДЭК № " + row.Delivery.TrackNumber + " удалён в СДЭК"
	}
	if name != "" && (name != doc.StateName() || ev != fsm.Track) {
		entry, err := o.writeBack(ctx, doc, name, nil, nil, text)
		if err != nil {
			return err
		}
		entries = append(entries, entry)
	}
	_, err = o.transition(ctx, row, ev, func(_ *storage.Tx, r *storage.Document) error {
		r.Delivery.Status, r.Delivery.StatusAt = cur.Code, cur.DateTime.Time
		return nil
	}, entries...)
	return err
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

// cancelDelivery deletes the order while CDEK allows it (no movement yet);
// after that it orders a refusal, and the parcel comes back.
func (o *Orchestrator) cancelDelivery(ctx context.Context, doc *moysklad.Document, row storage.Document, lastTry bool) error {
	api, number := o.cfg.Delivery.API, row.Delivery.OrderNumber
	uuid := row.Delivery.OrderUUID
	if uuid == "" {
		env, err := api.FindOrder(ctx, number)
		switch {
		case errors.Is(err, cdek.ErrNotFound):
			return o.cancelled(ctx, doc, row, fsm.Cancel, "Отменён: заказ в СДЭК не создавался",
				storage.TimelineEntry{Kind: "call", Message: "СДЭК GET /orders?im_number=" + number + ": заказа нет"})
		case err != nil:
			return o.cancelFailed(ctx, doc, row, err, lastTry)
		}
		uuid = env.Entity.UUID
	}
	label := "заказ СДЭК " + number
	if row.Delivery.TrackNumber != "" {
		label = "заказ СДЭК № " + row.Delivery.TrackNumber
	}
	env, err := api.GetOrder(ctx, uuid)
	switch {
	case errors.Is(err, cdek.ErrNotFound) || isCDEKInvalid(err):
		// CDEK refused the order or has none: nothing exists to delete.
		return o.cancelled(ctx, doc, row, fsm.Cancel, "Отменён: "+label+" в СДЭК не создан",
			storage.TimelineEntry{Kind: "call", Message: "СДЭК GET /orders/" + uuid + ": заказа нет", Detail: err.Error()})
	case err != nil:
		return o.cancelFailed(ctx, doc, row, err, lastTry)
	}
	code := ""
	if cur := env.Entity.Current(); cur != nil {
		code = cur.Code
	}
	switch code {
	case "", "ACCEPTED", "CREATED":
		if _, err := api.DeleteOrder(ctx, uuid); err != nil && !errors.Is(err, cdek.ErrNotFound) {
			return o.cancelFailed(ctx, doc, row, err, lastTry)
		}
		return o.cancelled(ctx, doc, row, fsm.Cancel, "Отменён: "+label+" удалён",
			storage.TimelineEntry{Kind: "call", Message: "СДЭК DELETE /orders/" + uuid + ": принято"})
	case "DELIVERED", "POSTOMAT_RECEIVED", "NOT_DELIVERED", "REMOVED":
		return o.cancelFailed(ctx, doc, row, fmt.Errorf("%s уже в конечном статусе %s", label, code), true)
	}
	if _, err := api.Refuse(ctx, uuid); err != nil {
		return o.cancelFailed(ctx, doc, row, err, lastTry)
	}
	return o.cancelled(ctx, doc, row, fsm.Refuse, "Отменён: посылка уже у СДЭК, оформлен отказ — "+label+" вернётся отправителю",
		storage.TimelineEntry{Kind: "call", Message: "СДЭК POST /orders/" + uuid + "/refusal: принято"})
}

// isCDEKInvalid: CDEK answered, with the order's request INVALID.
func isCDEKInvalid(err error) bool {
	var ce *cdek.Error
	return errors.As(err, &ce) && ce.Status/100 == 2
}

func (o *Orchestrator) cancelled(ctx context.Context, doc *moysklad.Document, row storage.Document, ev fsm.Event, line string, entries ...storage.TimelineEntry) error {
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.Cancelled, nil, nil, line)
	if err != nil {
		return err
	}
	_, err = o.transition(ctx, row, ev, func(_ *storage.Tx, r *storage.Document) error {
		r.LastError = ""
		if ev == fsm.Cancel {
			r.Attempt++ // a new «Передать в СДЭК» is a new order
		}
		return nil
	}, append(entries, entry)...)
	return err
}

// cancelFailed writes «Ошибка отмены» with CDEK's answer; a temporary
// failure is retried first.
func (o *Orchestrator) cancelFailed(ctx context.Context, doc *moysklad.Document, row storage.Document, cause error, lastTry bool) error {
	if temporary(cause) && !lastTry {
		return cause
	}
	line := "Отмена не выполнена: " + cdekCause(cause, lastTry)
	entry, err := o.writeBack(ctx, doc, o.cfg.Statuses.CancelFailed, nil, nil, line)
	if err != nil {
		return err
	}
	return o.note(ctx, row, storage.TimelineEntry{Kind: "error", Message: cause.Error()}, entry)
}

// refuseOrder answers «Передать в СДЭК» for a document already with CDEK.
func (o *Orchestrator) refuseOrder(ctx context.Context, doc *moysklad.Document, row storage.Document) error {
	back := o.cfg.Delivery.Config.Statuses[row.Delivery.Status]
	if back == "" {
		back = o.cfg.Statuses.CDEKSubmitted
	}
	return o.refuse(ctx, doc, row, fsm.Order, back, fmt.Sprintf("Повторная передача в СДЭК не выполнена: заказ № %s уже создан", row.Delivery.TrackNumber))
}

// refuseDeliveryCancel answers «Отменить» the flow does not allow.
func (o *Orchestrator) refuseDeliveryCancel(ctx context.Context, doc *moysklad.Document, row storage.Document) error {
	var line string
	switch fsm.State(row.State) {
	case fsm.New, fsm.OrderFailed:
		line = "Отменять нечего: заказ в СДЭК не создан"
	case fsm.Cancelled:
		line = "Документ уже отменён"
	default:
		line = fmt.Sprintf("Отмена не выполнена: заказ СДЭК № %s уже завершён (%s)", row.Delivery.TrackNumber, row.Delivery.Status)
	}
	return o.refuse(ctx, doc, row, fsm.Cancel, o.cfg.Statuses.CancelFailed, line)
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
	if lastTry && temporary(err) {
		return "СДЭК недоступен, повторные попытки исчерпаны (" + err.Error() + ")"
	}
	return err.Error()
}

// rerunDelivery submits a refused order again on an operator's request.
func (o *Orchestrator) rerunDelivery(ctx context.Context, typ, id string, lastTry bool) error {
	row, err := o.row(ctx, typ, id)
	if err != nil {
		return err
	}
	if fsm.State(row.State) != fsm.OrderFailed {
		return o.ProcessDocument(ctx, typ, id, lastTry)
	}
	doc, err := o.ms.GetDocument(ctx, typ, id, o.expandFor(typ)...)
	if err != nil {
		return fmt.Errorf("get %s %s: %w", typ, id, err)
	}
	if err := o.note(ctx, row, storage.TimelineEntry{Kind: "operator", Message: "повторный запуск по запросу оператора"}); err != nil {
		return err
	}
	return o.order(ctx, doc, row, lastTry)
}

// PollDeliveriesArgs reads every order still on its way: CDEK sends each
// push once and never again, so a lost one is caught here.
type PollDeliveriesArgs struct{}

func (PollDeliveriesArgs) Kind() string { return "poll_deliveries" }

// PollDeliveries queues a check of every document waiting on CDEK.
func (o *Orchestrator) PollDeliveries(ctx context.Context) (int, error) {
	n := 0
	for _, st := range []fsm.State{fsm.Ordering, fsm.InDelivery} {
		docs, err := o.store.Documents(ctx, storage.DocumentFilter{Flow: fsm.Delivery().Name(), State: string(st), Limit: 100000})
		if err != nil {
			return n, err
		}
		for _, d := range docs {
			if err := o.store.QueueProcess(ctx, d.Type, d.ID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
