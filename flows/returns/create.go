package returns

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// codeClosedPeriod is MoySklad's refusal of a document dated in a closed
// period (moysklad.md §4.4: 17009). Staff reopen the period; until then
// the share waits.
const codeClosedPeriod = 17009

// closedWait is how long a share refused for a closed period waits
// before it is tried again.
const closedWait = 30 * time.Minute

// refusal is a MoySklad answer that retrying will not change: the share
// fails with it. A closed period is not one: it waits for staff.
func refusal(err error) bool {
	var ae *moysklad.APIError
	return errors.As(err, &ae) && !ae.Temporary() && !ae.HasCode(codeClosedPeriod)
}

// waitClosed turns a closed-period refusal into a long wait with an
// alert; any other error is returned as it is.
func (f *Flow) waitClosed(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, err error) error {
	var ae *moysklad.APIError
	if !errors.As(err, &ae) || !ae.HasCode(codeClosedPeriod) {
		return err
	}
	f.alert(ctx, fmt.Sprintf("returns:closed:%s", wh.Name), fmt.Sprintf(
		"МойСклад не принимает документы возврата склада %s (док. склада %d): период закрыт (ошибка %d). Откройте период — skladflow повторит сам.",
		wh.Name, od.OutdocID, codeClosedPeriod))
	return fmt.Errorf("%w: %w", err, orchestrator.Later(closedWait))
}

// syncID keys a document a share creates: the warehouse, the document,
// the share and the store (and "excess" for an enter), so a retry or a
// crash never makes a second one.
func syncID(wh *feed.Warehouse, od storage.Outdoc, key, store string, more ...string) string {
	return moysklad.SyncID(append([]string{wh.Name, strconv.FormatInt(od.OutdocID, 10), key, store}, more...)...)
}

// create saves a posted document and returns what was created.
func (f *Flow) create(ctx context.Context, typ string, tmpl *moysklad.Document, store, sync string) (Created, error) {
	tmpl.Applicable = true
	d, err := f.cfg.Documents.Create(ctx, typ, *tmpl, sync)
	if err != nil {
		return Created{}, fmt.Errorf("create %s: %w", typ, err)
	}
	return Created{Type: typ, ID: d.ID, Name: d.Name, Store: store}, nil
}

// refLike is a reference to an entity of typ with id on the same MoySklad
// as like (any entity's meta).
func refLike(like moysklad.Meta, typ, id string) *moysklad.Ref {
	base := like.Href
	if i := strings.Index(base, "/entity/"); i >= 0 {
		base = base[:i]
	}
	return moysklad.NewRef(base, "entity/"+typ+"/"+id, typ)
}

// extraRows are lines for goods no demand line gives: found through the
// catalogue at price 0; unknown goods are named, the rest still booked.
func (f *Flow) extraRows(ctx context.Context, wh *feed.Warehouse, units map[string]int64, rec *record) ([]moysklad.Position, error) {
	var rows []moysklad.Position
	for _, g := range sortedKeys(units) {
		if units[g] <= 0 {
			continue
		}
		a, err := wh.Catalogue.Item(ctx, g)
		if err != nil {
			return nil, err
		}
		if a == nil {
			u := fmt.Sprintf("%s %d шт.", g, units[g])
			rec.Unknown = append(rec.Unknown, u)
			f.alert(ctx, "returns:unknown:"+wh.Name+":"+g, fmt.Sprintf(
				"Склад %s вернул товар %s, которого нет в МоёмСкладе (или он не однозначен): %s не учтены. Заведите товар и оприходуйте вручную.",
				wh.Name, g, u))
			continue
		}
		rows = append(rows, newRow(a, units[g]))
	}
	return rows, nil
}
