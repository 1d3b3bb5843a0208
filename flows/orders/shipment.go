package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// shipment is what applying an order's share of an orders_shipment did,
// kept on its part: a refusal later un-posts exactly this demand.
type shipment struct {
	DemandID   string           `json:"demand_id"`
	DemandName string           `json:"demand_name"`
	Track      string           `json:"track,omitempty"`
	Shipped    map[string]int32 `json:"shipped"`
	// Kept is a shipment withdrawn for a correction whose demand stayed
	// posted, as MoySklad does not un-post a demand with a posted return:
	// the replacement sets that demand's lines instead of making another.
	Kept bool `json:"kept,omitempty"`
}

// shipped: the order left for the delivery service. A posted demand is
// created from the order with the units really shipped (syncId from the
// warehouse, the document and the order, so a retry or a crash never makes
// a second one), the track number in its custom field; the order gets
// «Отгружен», or «Отгружен частично» naming the lines shipped short. An
// order being cancelled that shipped anyway gets «Ошибка отмены».
func (f *Flow) shipped(wh *feed.Warehouse, od storage.Outdoc, d *fulfillment.OrdersShipment, o fulfillment.ShippedOrder) applyFunc {
	return func(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart) error {
		kept, err := f.keptDemand(ctx, r)
		if err != nil {
			return err
		}
		if !fsm.Orders().Can(r.State(), fsm.Ship) {
			return f.reshipped(ctx, r, wh, od, o, part, kept)
		}
		goods, err := f.goods(ctx, wh, r.Doc)
		if err != nil {
			return err
		}
		_, shorts, total := shippedRows(r.Doc.Rows(), goods, o.Shipped())
		demand, refused, err := f.demand(ctx, r, wh, od, o, goods, kept)
		if err != nil {
			return err
		}
		track := o.Track()
		what := fmt.Sprintf("отгрузка %s проведена, %s, трек-номер %s", demand.Name, unitsText(total), track)
		if refused != nil {
			what = fmt.Sprintf("отгрузка %s создана, но не проведена — МойСклад отказал: %s; проверьте остатки и проведите её; %s, трек-номер %s",
				demand.Name, minilog.Cause(refused), unitsText(total), track)
		}
		if d.DeliveryName != "" {
			what = fmt.Sprintf("служба доставки «%s», ", d.DeliveryName) + what
		}
		status := f.cfg.Statuses.Shipped
		line := fmt.Sprintf("Отгружен складом %s %s: %s", wh.Name, minilog.OutdocMark(od.OutdocID), what)
		if len(shorts) > 0 {
			status = f.cfg.Statuses.ShippedPartly
			line = fmt.Sprintf("Отгружен частично складом %s %s: %s; не отгружено: %s", wh.Name, minilog.OutdocMark(od.OutdocID), what, shortText(shorts))
		}
		if r.State() == fsm.Cancelling {
			status = f.cfg.Statuses.CancelFailed
			line = fmt.Sprintf("Ошибка отмены: склад %s отгрузил заказ %s до отмены %s: %s", wh.Name, part.Key, minilog.OutdocMark(od.OutdocID), what)
		}
		change := shipment{DemandID: demand.ID, DemandName: demand.Name, Track: track, Shipped: o.Shipped()}
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("МойСклад: отгрузка %s создана по заказу и проведена", demand.Name)}
		if refused != nil {
			call = storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("МойСклад: отгрузка %s создана без проведения: проведение отклонено", demand.Name),
				Detail: refused.Error()}
		}
		return f.advance(ctx, r, part, fsm.Ship, status, moysklad.DocumentUpdate{}, change,
			func(d *storage.Document) { d.LastError = "" }, line, call)
	}
}

// reshipped applies a corrected shipment of an order that moved on while
// the shipment was withdrawn (a return of it came): the corrected lines go
// to the demand kept posted, and the order keeps its status. Without such
// a demand (kept) the share is stale.
func (f *Flow) reshipped(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ShippedOrder,
	part storage.OutdocPart, kept *shipment) error {
	if kept == nil {
		return f.stale(ctx, r, part, od)
	}
	goods, err := f.goods(ctx, wh, r.Doc)
	if err != nil {
		return err
	}
	_, _, total := shippedRows(r.Doc.Rows(), goods, o.Shipped())
	demand, _, err := f.demand(ctx, r, wh, od, o, goods, kept)
	if err != nil {
		return err
	}
	entry, err := r.Say(ctx, r.Status(), fmt.Sprintf("Исправленный документ отгрузки склада %s %s: отгрузка %s изменена, %s, трек-номер %s",
		wh.Name, minilog.OutdocMark(od.OutdocID), demand.Name, unitsText(total), o.Track()))
	if err != nil {
		return err
	}
	part.Status = storage.PartApplied
	if part.Change, err = json.Marshal(shipment{DemandID: demand.ID, DemandName: demand.Name, Track: o.Track(), Shipped: o.Shipped()}); err != nil {
		return err
	}
	if err := f.o.Store().PutOutdocPart(ctx, part); err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("МойСклад: отгрузка %s изменена по исправленному документу склада", demand.Name)}, entry)
}

// demand creates the order's posted demand for a shipment, or finds the one
// created before. When MoySklad refuses to post it (the account forbids
// shipping goods its books do not show in stock, an error whose code the
// reference leaves unconfirmed), the goods have left all the same: the
// demand is created unposted and refused says why. With a demand kept
// from a withdrawn shipment (keptDemand), that one takes the lines.
func (f *Flow) demand(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, o fulfillment.ShippedOrder, goods map[string]good,
	kept *shipment) (demand *moysklad.Document, refused error, err error) {
	ms := f.cfg.Documents
	tmpl, err := ms.Template(ctx, moysklad.TypeDemand, &moysklad.Ref{Meta: r.Doc.Meta})
	if err != nil {
		return nil, nil, fmt.Errorf("demand template from order %s: %w", r.Doc.Name, err)
	}
	rows, _, _ := shippedRows(tmpl.Rows(), goods, o.Shipped())
	tmpl.Positions = &moysklad.Positions{Rows: rows}
	tmpl.Applicable = true
	tmpl.Description = fmt.Sprintf("Отгружено складом %s по заказу %s %s, трек-номер %s", wh.Name, r.Doc.Name, minilog.OutdocMark(od.OutdocID), o.Track())
	if name := f.cfg.Orders.TrackAttribute; name != "" {
		a, ok, err := f.o.Attribute(ctx, moysklad.TypeDemand, name)
		switch {
		case err != nil:
			return nil, nil, err
		case ok:
			tmpl.Attributes = []moysklad.Attribute{a.WithValue(o.Track())}
		default:
			f.o.Logger().Warn("demand custom field for the track number does not exist", "field", name)
		}
	}
	if kept != nil {
		// Its lines become the corrected shipment's; it stays posted.
		demand, err = f.o.MoySklad().UpdateDocument(ctx, moysklad.TypeDemand, kept.DemandID, moysklad.DocumentUpdate{
			Positions: &rows, Description: &tmpl.Description, Attributes: tmpl.Attributes, Applicable: &tmpl.Applicable})
		if err != nil {
			return nil, nil, fmt.Errorf("set demand %s to the corrected shipment: %w", kept.DemandName, err)
		}
		return demand, nil, nil
	}
	syncID := moysklad.SyncID(wh.Name, strconv.FormatInt(od.OutdocID, 10), o.OrderID)
	demand, err = ms.Create(ctx, moysklad.TypeDemand, *tmpl, syncID)
	var ae *moysklad.APIError
	if errors.As(err, &ae) && !orchestrator.Temporary(err) {
		refused = err
		tmpl.Applicable = false
		demand, err = ms.Create(ctx, moysklad.TypeDemand, *tmpl, syncID)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("create demand for order %s: %w", r.Doc.Name, err)
	}
	return demand, refused, nil
}

// keptDemand is the demand of the order's shipment withdrawn for a
// correction that stayed posted (shipment.Kept) and no shipment has taken
// over since; nil when there is none.
func (f *Flow) keptDemand(ctx context.Context, r *orchestrator.Run) (*shipment, error) {
	parts, err := f.o.Store().DocumentParts(ctx, r.Row.Type, r.Row.ID)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	var kept *shipment
	for _, p := range parts { // oldest first
		var s shipment
		if p.OutdocType != fulfillment.OutdocOrdersShipment || json.Unmarshal(p.Change, &s) != nil || s.DemandID == "" {
			continue
		}
		switch {
		case p.Status == storage.PartApplied:
			taken[s.DemandID] = true
		case p.Status == storage.PartReverted && s.Kept:
			kept = &s
		}
	}
	if kept == nil || taken[kept.DemandID] {
		return nil, nil
	}
	return kept, nil
}

// refused: the delivery service did not take the order after all
// (#order_obr_desc 6). The demand of its shipment is un-posted and the
// order is back at «Собирается».
func (f *Flow) refused(wh *feed.Warehouse, od storage.Outdoc, d *fulfillment.OrdersShipmentRefusal, o fulfillment.RefusedOrder) applyFunc {
	return func(ctx context.Context, r *orchestrator.Run, part storage.OutdocPart) error {
		if !fsm.Orders().Can(r.State(), fsm.ShipRefused) {
			return f.stale(ctx, r, part, od)
		}
		shp, err := f.o.Store().OutdocPart(ctx, wh.Name, d.OrdersShipmentOutdocID, o.OrderID)
		if errors.Is(err, storage.ErrNotFound) || err == nil && shp.Status != storage.PartApplied {
			return f.skip(ctx, r, part, fmt.Sprintf("отказ службы доставки %d: отгрузка заказа %s документом склада %d не была записана, нечего отменять",
				od.OutdocID, o.OrderID, d.OrdersShipmentOutdocID))
		}
		if err != nil {
			return err
		}
		var was shipment
		if err := json.Unmarshal(shp.Change, &was); err != nil || was.DemandID == "" {
			return fmt.Errorf("outdoc %d order %s: recorded shipment: %v: %w", d.OrdersShipmentOutdocID, o.OrderID, err, orchestrator.ErrFinal)
		}
		no := false
		if _, err := f.o.MoySklad().UpdateDocument(ctx, moysklad.TypeDemand, was.DemandID, moysklad.DocumentUpdate{Applicable: &no}); err != nil {
			return fmt.Errorf("un-post demand %s: %w", was.DemandName, err)
		}
		call := storage.TimelineEntry{Kind: storage.KindCall, Message: fmt.Sprintf("МойСклад: отгрузка %s распроведена", was.DemandName)}
		line := fmt.Sprintf("Служба доставки не приняла заказ %s %s: отгрузка %s распроведена, заказ снова на сборке на складе %s",
			o.OrderID, minilog.OutdocMark(od.OutdocID), was.DemandName, wh.Name)
		return f.advance(ctx, r, part, fsm.ShipRefused, f.cfg.Statuses.Picking, moysklad.DocumentUpdate{}, was, nil, line, call)
	}
}
