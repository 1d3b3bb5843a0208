package orders

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// submit hands the order to the warehouse as an FBox order.
//
// The order_id is saved (state Submitting) before the warehouse is called.
// A retry (a lost answer, a crash) reads the order back first and does not
// send it again when the warehouse has it.
func (f *Flow) submit(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, attempt int) error {
	doc, cfg := r.Doc, f.cfg.Orders
	spec := orderSpec{PickupPoint: attribute(doc, cfg.PickupPointAttribute)}
	prefix := cfg.OrderPrefix
	if shop, ok := shopOf(doc, cfg.Shops); ok {
		prefix, spec.OwnerdepID = shop.OrderPrefix, shop.OwnerdepID
	}
	spec.OrderID = orderID(prefix, doc.Name, attempt)
	retry := r.State() == fsm.Submitting && r.Row.IndocID == spec.OrderID
	delivery, p := deliveryOf(doc, cfg)
	spec.DeliveryID = delivery
	err := r.Transition(ctx, fsm.Submit, func(_ *storage.Tx, d *storage.Document) error {
		d.Name, d.Warehouse, d.IndocID, d.Attempt, d.LastError = doc.Name, wh.Name, spec.OrderID, attempt, ""
		return nil
	}, storage.TimelineEntry{Kind: storage.KindDecision,
		Message: fmt.Sprintf("статус «%s»: передаю на склад %s как заказ %s", r.Status(), wh.Name, spec.OrderID)})
	if err != nil {
		return err
	}
	// Every good an order names must be registered and current first
	// (#good_set_desc): the catalogue does so in one call, expands bundles
	// and keeps each good's good_id.
	prep, err := wh.Catalogue.Prepare(ctx, doc.Rows(), f.prepareOptions()...)
	var refusal *catalogue.Refusal
	switch {
	case errors.As(err, &refusal) && p != nil:
		return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s; %s", wh.Name, p.Text, refusal.Error()), refusal)
	case errors.As(err, &refusal):
		return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, refusal.Error()), refusal)
	case err != nil:
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox POST /goods (регистрация товаров): ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			return f.failSubmit(ctx, r, submitFailure(wh, spec.OrderID, err, r.LastTry), err, call)
		})
	}
	order, notes, lines := buildOrder(doc, spec, prep)
	if p != nil {
		lines = append(orchestrator.Problems{*p}, lines...)
	}
	if len(lines) > 0 {
		return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, lines.Error()), lines)
	}
	notes = append(prep.NoticeLines(), notes...)
	f.enableOutdocs(ctx, r, wh)
	name, err := f.checkDelivery(ctx, wh, spec)
	if err != nil {
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox GET /settings: ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			return f.failSubmit(ctx, r, fmt.Sprintf("Не передан на склад %s: %s", wh.Name, minilog.Cause(err)), err, call)
		})
	}
	found, err := f.createOrder(ctx, wh, order, retry)
	if err != nil {
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox POST /orders " + spec.OrderID + ": ошибка", Detail: err.Error()}
		return r.Failed(ctx, err, call, func() error {
			return f.failSubmit(ctx, r, submitFailure(wh, spec.OrderID, err, r.LastTry), err, call)
		})
	}
	call := storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("FBox POST /orders %s: принят, %d шт.", spec.OrderID, len(order.Goods))}
	if found {
		call.Message = fmt.Sprintf("FBox GET /orders/%s/info: заказ уже на складе (ответ на создание был потерян), повторно не создаю", spec.OrderID)
	}
	line := fmt.Sprintf("Передан на склад %s: заказ %s, %s, служба доставки «%s»", wh.Name, spec.OrderID, unitsText(int64(len(order.Goods))), name)
	if len(notes) > 0 {
		line += "; " + strings.Join(notes, "; ")
	}
	entry, err := r.Say(ctx, f.cfg.Statuses.OrderSubmitted, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.SubmitOK, nil, call, entry)
}

// createOrder creates the order, or finds that the warehouse already has
// it: on a retry, or when the warehouse answers that the number is taken.
// found says the order was there already. An order under our number with
// other goods is an earlier version staff have changed since: refused,
// since picking may have started on it.
func (f *Flow) createOrder(ctx context.Context, wh *feed.Warehouse, o fulfillment.Order, retry bool) (found bool, err error) {
	if retry {
		if ok, err := f.holds(ctx, wh, o); ok || err != nil {
			return ok, err
		}
	}
	err = wh.API.CreateOrders(ctx, o)
	if !errors.Is(err, fulfillment.ErrDuplicate) {
		return false, err
	}
	ok, ierr := f.holds(ctx, wh, o)
	switch {
	case ierr != nil:
		return false, fmt.Errorf("заказ %s уже есть на складе, прочитать его не удалось: %w", o.OrderID, ierr)
	case !ok:
		return false, err
	}
	return true, nil
}

// holds reports whether the warehouse holds the order, not cancelled; one
// with other goods is an error.
func (f *Flow) holds(ctx context.Context, wh *feed.Warehouse, o fulfillment.Order) (bool, error) {
	info, err := wh.API.OrderInfo(ctx, o.OrderID)
	switch {
	case errors.Is(err, fulfillment.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case info.Canceled:
		return false, nil
	}
	if !sameGoods(o, info) {
		return false, &changedError{OrderID: o.OrderID}
	}
	return true, nil
}

// sameGoods compares the units per good of an order and the warehouse's
// copy of it.
func sameGoods(o fulfillment.Order, info *fulfillment.OrderInfo) bool {
	n := map[string]int{}
	for _, g := range o.Goods {
		n[g.GoodID]++
	}
	for _, g := range info.Goods {
		n[g.GoodID]--
	}
	for _, v := range n {
		if v != 0 {
			return false
		}
	}
	return true
}

// changedError is an order the warehouse holds under our number with
// other goods.
type changedError struct{ OrderID string }

func (e *changedError) Error() string {
	return fmt.Sprintf("на складе уже есть заказ %s с другим составом; отмените его («Отменить») и передайте заказ снова", e.OrderID)
}

func (e *changedError) Temporary() bool { return false }

// checkDelivery checks the order's delivery service against the ones the
// warehouse has connected (GET /settings) and returns its name.
func (f *Flow) checkDelivery(ctx context.Context, wh *feed.Warehouse, spec orderSpec) (string, error) {
	s, err := wh.API.Settings(ctx)
	if err != nil {
		return "", err
	}
	if d, ok := s.Delivery(spec.DeliveryID, spec.OwnerdepID); ok {
		return d.DeliveryName, nil
	}
	var have []string
	for _, d := range s.Deliveries {
		if spec.OwnerdepID == 0 || d.OwnerdepID == 0 || d.OwnerdepID == spec.OwnerdepID {
			have = append(have, fmt.Sprintf("%d «%s»", d.DeliveryID, d.DeliveryName))
		}
	}
	return "", &deliveryError{ID: spec.DeliveryID, Have: have}
}

// deliveryError is a delivery service the warehouse does not have.
type deliveryError struct {
	ID   int32
	Have []string
}

func (e *deliveryError) Error() string {
	if len(e.Have) == 0 {
		return fmt.Sprintf("служба доставки %d не подключена на складе, подключённых служб нет", e.ID)
	}
	return fmt.Sprintf("служба доставки %d не подключена на складе; подключены: %s", e.ID, strings.Join(e.Have, ", "))
}

func (e *deliveryError) Temporary() bool { return false }

// enableOutdocs turns on the optional order documents the flow uses, once
// per warehouse and process. Advisory: without them the order goes from
// «Передан на склад» to «Отгружен» directly, which the table allows.
func (f *Flow) enableOutdocs(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) {
	if _, done := f.enabled.Load(wh.Name); done {
		return
	}
	entry := storage.TimelineEntry{Kind: storage.KindCall, Message: "FBox POST /settings: включены документы " + strings.Join(optionalOutdocs, ", ")}
	if err := wh.API.EnableOutdocTypes(ctx, optionalOutdocs...); err != nil {
		f.o.Logger().Warn("optional order outdocs not enabled", "warehouse", wh.Name, "err", err)
		entry.Message, entry.Detail = "FBox POST /settings: документы о сборке и нехватке не включены", err.Error()
	} else {
		f.enabled.Store(wh.Name, true)
	}
	if err := r.Note(ctx, entry); err != nil {
		f.o.Logger().Warn("timeline", "err", err)
	}
}

// submitFailure is the mini-log line for an order the warehouse did not take.
func submitFailure(wh *feed.Warehouse, id string, err error, lastTry bool) string {
	if lastTry && orchestrator.Temporary(err) {
		return fmt.Sprintf("Не передан на склад %s: склад недоступен, повторные попытки исчерпаны (%s)", wh.Name, minilog.Cause(err))
	}
	return fmt.Sprintf("Не передан на склад %s: заказ %s отклонён: %s", wh.Name, id, minilog.Cause(err))
}

// failSubmit writes «Ошибка передачи» with the cause and records it.
func (f *Flow) failSubmit(ctx context.Context, r *orchestrator.Run, line string, cause error, entries ...storage.TimelineEntry) error {
	return r.Fail(ctx, fsm.SubmitFail, f.cfg.Statuses.SubmitFailed, line, cause, nil, entries...)
}

// resumeSubmit finishes a submission a crash interrupted after the
// order's status was already written.
func (f *Flow) resumeSubmit(ctx context.Context, r *orchestrator.Run) error {
	recovered := storage.TimelineEntry{Kind: storage.KindRecovered, Message: fmt.Sprintf("статус «%s» уже записан, завершаю переход", r.Status())}
	switch r.Status() {
	case f.cfg.Statuses.OrderSubmitted:
		return r.Transition(ctx, fsm.SubmitOK, nil, recovered)
	case f.cfg.Statuses.SubmitFailed:
		return r.Transition(ctx, fsm.SubmitFail, nil, recovered)
	}
	return nil
}

// refuseSubmit answers a submit command the flow does not allow: the
// warehouse is picking or has shipped the order, or is cancelling it.
func (f *Flow) refuseSubmit(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse) error {
	st, id := f.cfg.Statuses, r.Row.IndocID
	switch r.State() {
	case fsm.Picking:
		return r.Refuse(ctx, fsm.Submit, st.Picking, pickingRefusal(wh, id))
	case fsm.Shipped:
		return r.Refuse(ctx, fsm.Submit, st.Shipped, fmt.Sprintf("Повторная передача не выполнена: заказ %s уже отгружен складом %s", id, wh.Name))
	case fsm.Cancelling:
		return r.Refuse(ctx, fsm.Submit, st.Cancelling, fmt.Sprintf("Передача не выполнена: склад %s ещё отменяет заказ %s; передайте заказ снова после отмены", wh.Name, id))
	}
	return r.Refuse(ctx, fsm.Submit, st.SubmitFailed, "Передача не выполнена: заказ в обработке, повторите позже")
}

func pickingRefusal(wh *feed.Warehouse, id string) string {
	return fmt.Sprintf("Изменения не переданы: склад %s уже собирает заказ %s, изменить его нельзя; отмените заказ («Отменить») или дождитесь отгрузки", wh.Name, id)
}
