package shipment

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/skladflow/skladflow/minilog"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// kindShipment marks an outdoc row whose positions before it are recorded.
const kindShipment = "shipment"

// change is what a goods_shipment changed, kept on its part: the shipped
// totals per good against the plan.
type change struct {
	Planned map[string]int64 `json:"planned"`
	Shipped map[string]int64 `json:"shipped"`
}

// applyShipment sets the document's positions to what the warehouse
// shipped (the totals per good over every pallet and box: a short pick is
// only a smaller total, fbox.md §6.3), names the short lines, posts it and
// sets «Отгружен» in one PUT. The positions before it are recorded first,
// so a correction puts back exactly those.
func (f *Flow) applyShipment(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.GoodsShipment) error {
	if !fsm.Shipment().Can(r.State(), fsm.ShipmentShip) {
		if replacing, err := f.replacing(ctx, wh, od); replacing || err != nil {
			// The replacement of a corrected shipment came before the
			// correction was reverted (in shared reading the warehouse
			// replaces at once): it waits for the revert.
			if err == nil {
				err = orchestrator.Later(replacementWait)
			}
			return err
		}
		// A second shipment of one task while the first stands: not
		// applied; it waits, unlocked, for staff.
		why := fmt.Sprintf("документ уже в состоянии %s, вторая отгрузка по заданию %s не применена", r.State(), od.IndocID)
		if err := r.Note(ctx, storage.TimelineEntry{Kind: storage.KindError, Message: fmt.Sprintf("склад %s: документ %d: %s", wh.Name, od.OutdocID, why)}); err != nil {
			return err
		}
		return f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, why
			return nil
		})
	}
	rows, recorded := r.Doc.Rows(), od.Kind == kindShipment && len(od.Before) > 0
	if recorded {
		// Written (maybe) by a run that died: compute from the recorded
		// positions, so the same write and line come out again.
		if err := json.Unmarshal(od.Before, &rows); err != nil {
			return fmt.Errorf("outdoc %d: positions before: %w", od.OutdocID, err)
		}
	}
	keys, bundles, err := f.goods(ctx, wh, rows)
	if err != nil {
		return err
	}
	adj := adjust(rows, shippedOf(s), keys, bundles)
	ch, err := json.Marshal(change{Planned: adj.Planned, Shipped: s.Totals()})
	if err != nil {
		return err
	}
	if !recorded {
		// What the shipment changes, recorded before anything is written: a
		// correction undoes exactly this.
		before, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if err := f.o.Store().UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Before, x.Kind, x.Change = before, kindShipment, ch
			return nil
		}); err != nil {
			return err
		}
	}
	line := fmt.Sprintf("Отгружено складом %s %s: отгружено %d из %d шт.", wh.Name, minilog.OutdocMark(od.OutdocID), sum(adj.Shipped), sum(adj.Planned))
	if len(adj.Differences) == 0 {
		line += ", без расхождений"
	} else {
		line += "; " + strings.Join(adj.Differences, "; ")
	}
	status := f.cfg.Statuses.Shipped
	next, onward := f.onward(r.Doc)
	if onward {
		// A move between two warehouses: shipped out of this one, it is
		// handed to the other with what really left, as staff would.
		status = f.cfg.Statuses.Submit
		line += fmt.Sprintf("; передаю перемещение на склад %s", next.Name)
	}
	posted := true
	entry, err := r.WriteBack(ctx, status, moysklad.DocumentUpdate{Positions: &adj.Positions, Applicable: &posted}, line)
	if err != nil {
		if orchestrator.Temporary(err) && !r.LastTry {
			return err
		}
		return f.failShipment(ctx, r, wh, od, err)
	}
	if err := f.record(ctx, r, wh, od, fsm.ShipmentShip, storage.PartApplied, ch, entry); err != nil || !onward {
		return err
	}
	return f.handOn(ctx, r)
}

// replacementWait is how long the replacement of a corrected shipment
// waits for the revert of the one it replaces.
const replacementWait = 2 * time.Second

// replacing reports whether od replaces a shipment of the same task that
// is being reverted or that the warehouse has deleted (a correction).
func (f *Flow) replacing(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) (bool, error) {
	all, err := f.o.Store().OutdocsByIndoc(ctx, od.IndocID)
	if err != nil {
		return false, err
	}
	var standing []int64
	for _, x := range all {
		if x.OutdocID == od.OutdocID || x.Type != fulfillment.OutdocShipment || x.Warehouse != wh.Name {
			continue
		}
		switch x.Status {
		case storage.OutdocRevert:
			return true, nil
		case storage.OutdocApplied, storage.OutdocLocked:
			standing = append(standing, x.OutdocID)
		}
	}
	if len(standing) == 0 {
		return false, nil
	}
	missing, err := wh.API.CheckOutdocs(ctx, standing...)
	return len(missing) > 0, err
}

// failShipment writes «Ошибка отгрузки» with MoySklad's reason; the
// document stays unlocked at the warehouse until staff fix MoySklad and
// set «Передать» again.
func (f *Flow) failShipment(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, cause error) error {
	line := fmt.Sprintf("Отгрузка складом %s по документу %d не записана: МойСклад отказал (%s). Исправьте документ и снова установите статус «%s»",
		wh.Name, od.OutdocID, minilog.Cause(cause), f.cfg.Statuses.Submit)
	entry, err := r.Say(ctx, f.cfg.Statuses.ShipFailed, line)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.ShipmentShipFail, func(tx *storage.Tx, d *storage.Document) error {
		d.LastError = line
		return f.o.Store().UpdateOutdocTx(tx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
			x.Status, x.Error = storage.OutdocFailed, line
			return nil
		})
	}, storage.TimelineEntry{Kind: storage.KindError, Message: cause.Error()}, entry)
}

// retryShipment queues the failed shipment documents of a document again
// after staff fixed MoySklad and set «Передать»; what each changes is
// decided again from the fixed document.
func (f *Flow) retryShipment(ctx context.Context, r *orchestrator.Run) error {
	n, err := f.cfg.Feed.Retry(ctx, r.Row.Warehouse, r.Row.IndocID, fulfillment.OutdocShipment)
	if err != nil {
		return err
	}
	return r.Transition(ctx, fsm.ShipmentRetry, nil, storage.TimelineEntry{Kind: storage.KindDecision,
		Message: fmt.Sprintf("статус «%s»: повторяю запись отгрузки (%d док. склада)", r.Status(), n)})
}

// goods are how the warehouse names the document's goods: the good_ids
// the catalogue registered them under (an edited article still names its
// old good), and for each bundle position the units of each component one
// bundle holds (the warehouse ships the components).
func (f *Flow) goods(ctx context.Context, wh *feed.Warehouse, rows []moysklad.Position) (moysklad.SKUFields, map[int]map[string]int64, error) {
	keys, err := wh.Catalogue.Keys(ctx, rows)
	if err != nil {
		return keys, nil, err
	}
	if !slices.ContainsFunc(rows, func(p moysklad.Position) bool { return p.Assortment != nil && p.Assortment.IsBundle() }) {
		return keys, nil, nil
	}
	prep, err := wh.Catalogue.Prepare(ctx, rows)
	if err != nil {
		return keys, nil, fmt.Errorf("components of the document's bundles: %w", err)
	}
	bundles := map[int]map[string]int64{}
	for _, it := range prep.Items {
		q := int64(rows[it.Position].Quantity)
		if !it.Component || q <= 0 {
			continue
		}
		if bundles[it.Position] == nil {
			bundles[it.Position] = map[string]int64{}
		}
		bundles[it.Position][it.GoodID] += int64(it.Quantity) / q
	}
	return keys, bundles, nil
}

// adjusted is a document's positions after a shipment.
type adjusted struct {
	Positions   []moysklad.Position
	Planned     map[string]int64 // per good, from the document's lines
	Shipped     map[string]int64 // per good, as written
	Differences []string         // for the mini-log
}

// shipped is what a goods_shipment says left: units per good, and the
// serial numbers the warehouse scanned per good, where it gives them.
type shipped struct {
	totals  map[string]int64
	serials map[string]map[string]bool
}

func shippedOf(s *fulfillment.GoodsShipment) shipped {
	out := shipped{totals: s.Totals(), serials: map[string]map[string]bool{}}
	for _, p := range s.Pallets {
		for _, b := range p.Boxes {
			for _, g := range b.Goods {
				if g.GoodSN == "" {
					continue
				}
				if out.serials[g.GoodID] == nil {
					out.serials[g.GoodID] = map[string]bool{}
				}
				out.serials[g.GoodID][g.GoodSN] = true
			}
		}
	}
	return out
}

// keep chooses the serials a shortened line keeps: those the warehouse
// scanned as shipped first (its scan is the truth where it has one), then
// the line's others in order.
func (s shipped) keep(goodID string, things []string, n int) []string {
	out := make([]string, 0, n)
	for _, pass := range []bool{true, false} {
		for _, t := range things {
			if len(out) == n {
				return out
			}
			if s.serials[goodID][t] == pass {
				out = append(out, t)
			}
		}
	}
	return out
}

// adjust fits the positions to the shipped totals: lines of one good take
// its total in document order, a line left without units is removed
// (MoySklad refuses quantity 0), a shorter line keeps the serials the
// warehouse shipped (else its first ones); a bundle line keeps the whole bundles whose every
// component was shipped; units beyond the plan go to the good's last
// line; services stay as they are.
func adjust(rows []moysklad.Position, out shipped, keys moysklad.SKUFields, bundles map[int]map[string]int64) adjusted {
	left := maps.Clone(out.totals)
	res := adjusted{Planned: map[string]int64{}, Shipped: map[string]int64{}}
	last := map[string]int{}
	inBundles := map[string]bool{}
	for i, p := range rows {
		a := p.Assortment
		if a == nil || a.IsService() {
			res.Positions = append(res.Positions, p.ForWrite())
			continue
		}
		want, give, sku := int64(p.Quantity), int64(0), keys.Of(a)
		if comps, ok := bundles[i]; ok && a.IsBundle() {
			give = want
			for g, per := range comps {
				if per > 0 {
					give = min(give, left[g]/per)
				}
				inBundles[g] = true
			}
			for g, per := range comps {
				left[g] -= give * per
				res.Planned[g] += want * per
				res.Shipped[g] += give * per
			}
			sku = "комплект " + sku
		} else {
			give = min(want, left[sku])
			left[sku] -= give
			res.Planned[sku] += want
			res.Shipped[sku] += give
		}
		if give == 0 {
			res.Differences = append(res.Differences, fmt.Sprintf("стр. %d %s «%s»: план %d, не отгружено — строка удалена", i+1, sku, a.Name, want))
			continue
		}
		w := p.ForWrite()
		if give < want {
			w.Quantity = float64(give)
			if things := p.Things(); len(things) > int(give) {
				w.SetThings(out.keep(sku, things, int(give)))
			}
			res.Differences = append(res.Differences, fmt.Sprintf("стр. %d %s «%s»: план %d, отгружено %d (недогруз %d)", i+1, sku, a.Name, want, give, want-give))
		}
		if !a.IsBundle() {
			last[sku] = len(res.Positions)
		}
		res.Positions = append(res.Positions, w)
	}
	for _, sku := range slices.Sorted(maps.Keys(left)) {
		n := left[sku]
		switch j, ok := last[sku]; {
		case n <= 0:
		case ok:
			res.Positions[j].Quantity += float64(n)
			res.Shipped[sku] += n
			res.Differences = append(res.Differences, fmt.Sprintf("%s: отгружено сверх плана %d шт. — добавлено в строку", sku, n))
		case inBundles[sku]:
			res.Differences = append(res.Differences, fmt.Sprintf("%s: %d шт. отгружено сверх целых комплектов — не добавлены", sku, n))
		default:
			res.Differences = append(res.Differences, fmt.Sprintf("%s: склад отгрузил %d шт., которых нет в документе — не добавлены", sku, n))
		}
	}
	if res.Positions == nil {
		res.Positions = []moysklad.Position{}
	}
	return res
}

// shortGoods names the goods got has fewer of than planned.
func shortGoods(planned, got map[string]int64) string {
	var out []string
	for _, g := range slices.Sorted(maps.Keys(planned)) {
		if got[g] < planned[g] {
			out = append(out, fmt.Sprintf("%s план %d, подобрано %d", g, planned[g], got[g]))
		}
	}
	return strings.Join(out, "; ")
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
