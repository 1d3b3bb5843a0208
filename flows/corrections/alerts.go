package corrections

import (
	"context"
	"errors"
	"fmt"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// codeClosedPeriod refuses a document dated in a closed period
// (moysklad.md §4.4: "17009 date in closed period").
const codeClosedPeriod = 17009

func (f *Flow) raise(ctx context.Context, key, text string) {
	f.o.Logger().Warn("corrections alert", "key", key, "text", text)
	if f.cfg.Alerts != nil {
		f.cfg.Alerts.Raise(ctx, key, text)
	}
}

func closedKey(wh *feed.Warehouse) string { return "closed-period/" + wh.Name }

// resolveClosed closes the closed-period alert once a document went
// through.
func (f *Flow) resolveClosed(ctx context.Context, wh *feed.Warehouse) {
	if r, ok := f.cfg.Alerts.(resolver); ok {
		r.Resolve(ctx, closedKey(wh), fmt.Sprintf("МойСклад снова принимает документы склада %s: коррекции записаны", wh.Name))
	}
}

// alertUnknown names the goods MoySklad does not know: the rest is booked,
// these wait for staff (the parity report lists them too).
func (f *Flow) alertUnknown(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, rec record, unknown []Line) {
	for _, l := range unknown {
		f.raise(ctx, "unknown-good/"+wh.Name+"/"+l.GoodID, fmt.Sprintf(
			"Склад %s %s (%s): товара %s нет в МойСклад — %d шт. не учтены; заведите товар с этим артикулом и поправьте остаток вручную",
			wh.Name, minilog.OutdocMark(od.OutdocID), rec.What, l.GoodID, l.Qty))
	}
}

// alertNoSerial names the units of serial-tracked goods booked without
// their serial numbers' help: the warehouse reported fewer serials than
// units, so those units are left out rather than given serials skladflow
// would invent; staff book them by hand with the right serials.
func (f *Flow) alertNoSerial(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, rec record, d Doc, noSerial []Line) {
	for _, l := range noSerial {
		f.raise(ctx, fmt.Sprintf("no-serial/%s/%d/%s/%s", wh.Name, od.OutdocID, d.Key(), l.GoodID), fmt.Sprintf(
			"Склад %s %s (%s): товар %s учитывается по серийным номерам, а склад не сообщил их для %d шт. — %s без них не учтено; оформите вручную с серийными номерами",
			wh.Name, minilog.OutdocMark(od.OutdocID), rec.What, l.GoodID, l.Qty, typeName(d.Type)))
	}
}

// failed handles what stopped some documents of a warehouse document: a
// closed period is told to support and tried again after a long wait (the
// feed's polls try it sooner), so it goes through once staff reopen the
// period; anything else goes back to the queue as it is.
func (f *Flow) failed(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, err error) error {
	var ae *moysklad.APIError
	if !errors.As(err, &ae) || !ae.HasCode(codeClosedPeriod) {
		return err
	}
	text := fmt.Sprintf("МойСклад не принял документ склада %s %s: период закрыт (код %d). Откройте период — skladflow повторит запись сам",
		wh.Name, minilog.OutdocMark(od.OutdocID), codeClosedPeriod)
	f.raise(ctx, closedKey(wh), text)
	// Once on the timeline, not once per try: every poll tries it again.
	tl, terr := f.o.Store().Timeline(ctx, leaseType, pseudoID(wh.Name, od.OutdocID))
	if terr != nil {
		return terr
	}
	if len(tl) == 0 || tl[len(tl)-1].Message != text {
		if nerr := f.note(ctx, leaseType, pseudoID(wh.Name, od.OutdocID), storage.KindError, text, err.Error()); nerr != nil {
			return nerr
		}
	}
	return orchestrator.Later(f.cfg.ClosedWait)
}
