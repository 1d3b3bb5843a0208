package corrections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
)

// booked is what booking one planned document did, kept on its part: a
// revert deletes exactly this document.
type booked struct {
	Doc     Doc    `json:"doc"`
	ID      string `json:"id,omitempty"`
	Name    string `json:"name,omitempty"`
	Unknown []Line `json:"unknown,omitempty"` // goods MoySklad does not know: not booked
	// NoSerial are the units of serial-tracked goods the warehouse
	// reported no serial number for: not booked.
	NoSerial []Line `json:"no_serial,omitempty"`
}

// keyNothing is the part of a document that books nothing.
const keyNothing = "-"

// apply books every planned document once, then marks the warehouse
// document imported. Documents already booked are not touched again; a
// closed period leaves the others booked and tries the rest later.
func (f *Flow) apply(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc) error {
	rec, err := f.decide(ctx, wh, &od)
	if err != nil {
		return err
	}
	if len(rec.Docs) == 0 {
		if err := f.skipAll(ctx, wh, od, rec); err != nil {
			return err
		}
		return f.cfg.Feed.Done(ctx, wh, od)
	}
	if gone, err := f.deletedMeanwhile(ctx, wh, od); gone || err != nil {
		return err
	}
	var errs []error
	for _, d := range rec.Docs {
		if err := f.book(ctx, wh, od, rec, d); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.Key(), err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return f.failed(ctx, wh, od, err)
	}
	f.resolveClosed(ctx, wh)
	return f.cfg.Feed.Done(ctx, wh, od)
}

// skipAll records a document that books nothing, with why on its timeline.
func (f *Flow) skipAll(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, rec record) error {
	if _, err := f.o.Store().OutdocPart(ctx, wh.Name, od.OutdocID, keyNothing); err == nil {
		return nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	why := fmt.Sprintf("Склад %s %s, %s: %s", wh.Name, minilog.OutdocMark(od.OutdocID), rec.What, rec.Why)
	change, _ := json.Marshal(map[string]string{"why": rec.Why})
	if err := f.note(ctx, leaseType, pseudoID(wh.Name, od.OutdocID), storage.KindEvent, why, ""); err != nil {
		return err
	}
	return f.o.Store().PutOutdocPart(ctx, storage.OutdocPart{Warehouse: wh.Name, OutdocID: od.OutdocID, Key: keyNothing,
		Status: storage.PartSkipped, Change: change})
}

// book creates one planned document, posted, unless its part is recorded.
// Goods MoySklad does not know are left out and named; a document of
// unknown goods only is not created.
func (f *Flow) book(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, rec record, d Doc) error {
	store := f.o.Store()
	if _, err := store.OutdocPart(ctx, wh.Name, od.OutdocID, d.Key()); err == nil {
		return nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	var rows []moysklad.Position
	var unknown, noSerial []Line
	for _, l := range d.Lines {
		it, err := wh.Catalogue.Item(ctx, l.GoodID)
		if err != nil {
			return err
		}
		if it == nil {
			unknown = append(unknown, l)
			continue
		}
		qty, things := l.Qty, []string(nil)
		if it.SerialTracked() {
			// One serial per unit (moysklad.md §4.2): units the warehouse
			// reported no serial for are not booked, never given one.
			things = d.Things[l.GoodID][:min(len(d.Things[l.GoodID]), int(l.Qty))]
			qty = int64(len(things))
			if qty < l.Qty {
				noSerial = append(noSerial, Line{GoodID: l.GoodID, Qty: l.Qty - qty})
			}
			if qty == 0 {
				continue
			}
		}
		p := moysklad.Position{Quantity: float64(qty), Assortment: &moysklad.Product{Meta: it.Meta}}
		if things != nil {
			p.SetThings(things)
		}
		if d.Type == moysklad.TypeEnter {
			p.SetPrice(buyPrice(it))
		}
		rows = append(rows, p)
	}
	part := storage.OutdocPart{Warehouse: wh.Name, OutdocID: od.OutdocID, Key: d.Key(), Status: storage.PartApplied}
	b := booked{Doc: d, Unknown: unknown, NoSerial: noSerial}
	f.alertUnknown(ctx, wh, od, rec, unknown)
	f.alertNoSerial(ctx, wh, od, rec, d, noSerial)
	if len(rows) == 0 {
		part.Status = storage.PartSkipped
		part.Change, _ = json.Marshal(b)
		line := fmt.Sprintf("Склад %s %s, %s: %s не создан — %s",
			wh.Name, minilog.OutdocMark(od.OutdocID), rec.What, typeName(d.Type), leftOutText(unknown, noSerial))
		if err := f.note(ctx, leaseType, pseudoID(wh.Name, od.OutdocID), storage.KindError, line, ""); err != nil {
			return err
		}
		return store.PutOutdocPart(ctx, part)
	}
	doc, err := f.cfg.Documents.Template(ctx, d.Type, nil)
	if err != nil {
		return fmt.Errorf("%s template: %w", d.Type, err)
	}
	from, to, err := f.stores(ctx, d)
	if err != nil {
		return err
	}
	switch d.Type {
	case moysklad.TypeEnter:
		doc.Store = to
	case TypeLoss:
		doc.Store = from
	default:
		doc.SourceStore, doc.TargetStore = from, to
	}
	doc.Positions = &moysklad.Positions{Rows: rows}
	doc.Applicable = true
	if !rec.At.IsZero() {
		doc.Moment = moysklad.Moment{Time: rec.At}
	}
	doc.Description = description(wh, od, rec, unknown, noSerial)
	syncID := moysklad.SyncID(append([]string{wh.Name, strconv.FormatInt(od.OutdocID, 10), d.Type}, d.stores()...)...)
	created, err := f.cfg.Documents.Create(ctx, d.Type, *doc, syncID)
	if err != nil {
		return fmt.Errorf("create %s: %w", d.Type, err)
	}
	b.ID, b.Name = created.ID, created.Name
	part.DocType, part.DocID = d.Type, created.ID
	part.Change, _ = json.Marshal(b)
	if err := store.PutOutdocPart(ctx, part); err != nil {
		return err
	}
	// Written, not yet imported: should the warehouse delete it now, what
	// was booked is undone (deletedMeanwhile, and the feed in shared
	// reading).
	if err := store.UpdateOutdoc(ctx, wh.Name, od.OutdocID, func(x *storage.Outdoc) error {
		if x.Status == storage.OutdocNew {
			x.Status = storage.OutdocApplied
		}
		return nil
	}); err != nil {
		return err
	}
	// The created document is where staff and the operator look: its
	// timeline says where it came from.
	msg := fmt.Sprintf("Склад %s %s, %s: %s %s создан и проведён, %s", wh.Name, minilog.OutdocMark(od.OutdocID), rec.What,
		typeName(d.Type), created.Name, linesText(b.Booked()))
	if len(unknown) > 0 {
		msg += "; не учтены (нет в МойСклад): " + linesText(unknown)
	}
	if len(noSerial) > 0 {
		msg += "; не учтены (склад не сообщил серийные номера): " + linesText(noSerial)
	}
	return f.note(ctx, d.Type, created.ID, storage.KindEvent, msg, "syncId "+syncID)
}

// stores are the store references of a planned document.
func (f *Flow) stores(ctx context.Context, d Doc) (from, to *moysklad.Ref, err error) {
	if d.From != "" {
		if from, err = f.storeRef(ctx, d.From); err != nil {
			return nil, nil, err
		}
	}
	if d.To != "" {
		if to, err = f.storeRef(ctx, d.To); err != nil {
			return nil, nil, err
		}
	}
	return from, to, nil
}

// stores are the store ids a document's syncId is derived from.
func (d Doc) stores() []string {
	var out []string
	for _, s := range []string{d.From, d.To} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// storeRef is a store's reference, read once: a store keeps its href.
func (f *Flow) storeRef(ctx context.Context, id string) (*moysklad.Ref, error) {
	if r, ok := f.storeRefs.Load(id); ok {
		return r.(*moysklad.Ref), nil
	}
	s, err := f.cfg.Documents.GetStore(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", id, err)
	}
	r := &moysklad.Ref{Meta: moysklad.Meta{Href: s.Meta.Href, Type: s.Meta.Type, MediaType: "application/json"}}
	f.storeRefs.Store(id, r)
	return r, nil
}

// description is the comment of a booked document: the warehouse, its
// document's number, what it was, the quarantine policy when quarantine
// is involved and the goods and units left out.
func description(wh *feed.Warehouse, od storage.Outdoc, rec record, unknown, noSerial []Line) string {
	s := fmt.Sprintf("Склад %s, документ склада %d: %s", wh.Name, od.OutdocID, rec.What)
	if rec.Policy != "" {
		s += "; " + rec.Policy
	}
	if len(unknown) > 0 {
		s += "; не учтены товары, которых нет в МойСклад: " + linesText(unknown)
	}
	if len(noSerial) > 0 {
		s += "; не учтены единицы без серийных номеров от склада: " + linesText(noSerial)
	}
	s += ". Создан skladflow."
	if r := []rune(s); len(r) > moysklad.DescriptionLimit {
		s = string(r[:moysklad.DescriptionLimit-1]) + "…"
	}
	return s
}

// typeName is a document type in staff words.
func typeName(typ string) string {
	switch typ {
	case moysklad.TypeEnter:
		return "оприходование"
	case TypeLoss:
		return "списание"
	case moysklad.TypeMove:
		return "перемещение"
	}
	return typ
}

// Booked are the lines as booked: less the unknown goods and the units
// without a serial number.
func (b booked) Booked() []Line {
	var out []Line
	for _, l := range b.Doc.Lines {
		if slices.Contains(b.Unknown, l) {
			continue
		}
		for _, n := range b.NoSerial {
			if n.GoodID == l.GoodID {
				l.Qty -= n.Qty
			}
		}
		if l.Qty > 0 {
			out = append(out, l)
		}
	}
	return out
}

// leftOutText says why a document of a warehouse document is not created.
func leftOutText(unknown, noSerial []Line) string {
	var why []string
	if len(unknown) > 0 {
		why = append(why, "нет в МойСклад: "+linesText(unknown))
	}
	if len(noSerial) > 0 {
		why = append(why, "склад не сообщил серийные номера: "+linesText(noSerial))
	}
	return "ни одной единицы нельзя учесть; " + strings.Join(why, "; ")
}

func linesText(ls []Line) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s %d шт.", l.GoodID, l.Qty))
	}
	return strings.Join(parts, ", ")
}

// note adds a timeline entry.
func (f *Flow) note(ctx context.Context, docType, docID string, kind storage.TimelineKind, msg, detail string) error {
	return f.o.Store().AddTimeline(ctx, storage.TimelineEntry{DocType: docType, DocID: docID, At: f.o.Now(), Kind: kind,
		Message: msg, Detail: detail})
}
