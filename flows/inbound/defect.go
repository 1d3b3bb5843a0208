package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fsm"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// defectDocuments is what moving defective units needs of MoySklad beyond
// the machinery's client (moysklad.Client has it).
type defectDocuments interface {
	Template(ctx context.Context, typ string, base *moysklad.Ref) (*moysklad.Document, error)
	Create(ctx context.Context, typ string, doc moysklad.Document, syncID string, expand ...string) (*moysklad.Document, error)
	DeleteDocument(ctx context.Context, entityType, id string) error
	GetStore(ctx context.Context, id string) (*moysklad.Store, error)
}

// defectMove is the posted move that took a receipt's defective units from
// the warehouse store to the defect store, as recorded on the outdoc: a
// revert deletes it.
type defectMove struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Units int64  `json:"units"`
}

// defectPlan is the move a booked receipt needs: the defective units it
// booked, by assortment, and the store they go to. Empty when the
// warehouse has no defect store or the receipt booked no defective units.
type defectPlan struct {
	rows  []moysklad.Position
	units int64
	to    *moysklad.Store
	// unknown are the defective units of serial goods the warehouse
	// reported no serials for at all: the receipt booked them with the
	// document's own serials, and which of those are defective is not
	// known, so they stay at the warehouse store, said so.
	unknown int64
}

// planDefect finds the defective units a receipt books (got, with the
// accept policy: the placement rules say where they are booked) and the
// assortment of each, from the document's lines (rows, keyed by skus) or
// the products found for unplanned goods. A serial good's units move with
// the serials the warehouse reported defective (MoySklad refuses a move
// line without one per unit, §4.2); a unit it reported without one was not
// booked (adjust says so), unless it reported no serials of the good at
// all (reported).
func (f *Flow) planDefect(ctx context.Context, wh *feed.Warehouse, rows []moysklad.Position, skus moysklad.SKUFields,
	found map[string]moysklad.Product, got []received, reported, defective serials) (defectPlan, error) {
	var p defectPlan
	to := wh.Placement.StoreOf(fulfillment.GoodStateStock, fulfillment.QualDefective)
	if to == "" || to == wh.StoreID {
		return p, nil // not booked at all, or booked at the warehouse store
	}
	for _, r := range got {
		if r.Defective <= 0 {
			continue
		}
		a, serial := assortmentOf(rows, skus, found, r.SKU)
		if a == nil {
			continue
		}
		line := moysklad.Position{Quantity: float64(r.Defective), Assortment: &moysklad.Product{Meta: a.Meta}}
		if serial {
			things := defective[r.SKU][:min(len(defective[r.SKU]), int(r.Defective))]
			if len(reported[r.SKU]) == 0 {
				p.unknown += r.Defective
			}
			if len(things) == 0 {
				continue
			}
			line.Quantity = float64(len(things))
			line.SetThings(things)
		}
		p.rows = append(p.rows, line)
		p.units += int64(line.Quantity)
	}
	if len(p.rows) == 0 {
		return p, nil
	}
	docs, err := f.defectDocuments()
	if err != nil {
		return p, err
	}
	if p.to, err = docs.GetStore(ctx, to); err != nil {
		return p, fmt.Errorf("defect store %s: %w", to, err)
	}
	return p, nil
}

// assortmentOf is the assortment a good is booked as: the last line of it
// (a receipt gives any surplus to the last line), else the product found
// for it; and whether it is kept by serial numbers.
func assortmentOf(rows []moysklad.Position, skus moysklad.SKUFields, found map[string]moysklad.Product, sku string) (*moysklad.Product, bool) {
	for i := len(rows) - 1; i >= 0; i-- {
		if skus.Of(rows[i].Assortment) == sku {
			return rows[i].Assortment, rows[i].Serial()
		}
	}
	if p, ok := found[sku]; ok {
		return &p, p.SerialTracked()
	}
	return nil, false
}

// phrase is what the receipt's mini-log line adds about the move.
func (p defectPlan) phrase() string {
	out := ""
	if p.to != nil {
		out = fmt.Sprintf("; брак %d шт. перемещён на склад %s", p.units, p.to.Name)
	}
	if p.unknown > 0 {
		out += fmt.Sprintf("; брак %d шт. оставлен на основном складе: склад не сообщил серийные номера", p.unknown)
	}
	return out
}

// moveDefect creates the planned move, posted, once (a retry finds it by
// its syncId), and records it on the outdoc. It returns the timeline entry
// naming it, none when nothing is moved.
func (f *Flow) moveDefect(ctx context.Context, wh *feed.Warehouse, od storage.Outdoc, p defectPlan) ([]storage.TimelineEntry, error) {
	if p.to == nil {
		return nil, nil
	}
	docs, err := f.defectDocuments()
	if err != nil {
		return nil, err
	}
	from, err := docs.GetStore(ctx, wh.StoreID)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", wh.StoreID, err)
	}
	doc, err := docs.Template(ctx, moysklad.TypeMove, nil)
	if err != nil {
		return nil, fmt.Errorf("move template: %w", err)
	}
	doc.SourceStore, doc.TargetStore = storeRef(from), storeRef(p.to)
	doc.Positions = &moysklad.Positions{Rows: p.rows}
	doc.Applicable = true
	doc.Description = fmt.Sprintf("Склад %s, док. склада %d: брак перемещён на склад брака. Создан skladflow.", wh.Name, od.OutdocID)
	syncID := moysklad.SyncID(wh.Name, strconv.FormatInt(od.OutdocID, 10), "defect")
	created, err := docs.Create(ctx, moysklad.TypeMove, *doc, syncID)
	if err != nil {
		return nil, fmt.Errorf("create move of defective units: %w", err)
	}
	if err := f.recordDefect(ctx, wh, od.OutdocID, &defectMove{ID: created.ID, Name: created.Name, Units: p.units}); err != nil {
		return nil, err
	}
	return []storage.TimelineEntry{{Kind: storage.KindEvent, Detail: "syncId " + syncID,
		Message: fmt.Sprintf("Склад %s %s: перемещение %s создано и проведено, брак %d шт. со склада %s на склад %s",
			wh.Name, minilog.OutdocMark(od.OutdocID), created.Name, p.units, from.Name, p.to.Name)}}, nil
}

// recordDefect keeps the move (nil: none any more) in the outdoc's change.
func (f *Flow) recordDefect(ctx context.Context, wh *feed.Warehouse, outdocID int64, m *defectMove) error {
	return f.o.Store().UpdateOutdoc(ctx, wh.Name, outdocID, func(x *storage.Outdoc) error {
		c, err := changeOf(*x)
		if err != nil {
			return err
		}
		c.DefectMove = m
		return setChange(x, c)
	})
}

// recoverDefect makes the move of a receipt written before a crash, when
// it is not recorded yet: the units are counted again from what the
// document now holds. kind is the receipt's recorded kind.
func (f *Flow) recoverDefect(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply, kind string) ([]storage.TimelineEntry, error) {
	if c, err := changeOf(od); err != nil || c.DefectMove != nil {
		return nil, err
	}
	got, ids := sumReceipt(s), []int64{od.OutdocID}
	if kind == kindFinal {
		parts, counted, err := f.earlierParts(ctx, od)
		if err != nil {
			return nil, err
		}
		got, ids = sumReceipt(append(parts, s)...), append(counted, od.OutdocID)
	}
	skus, err := wh.Catalogue.Keys(ctx, r.Doc.Rows())
	if err != nil {
		return nil, err
	}
	reported, defective, err := f.reported(ctx, wh, r.Doc.Rows(), nil, ids...)
	if err != nil {
		return nil, err
	}
	p, err := f.planDefect(ctx, wh, r.Doc.Rows(), skus, nil, got, reported, defective)
	if err != nil {
		return nil, err
	}
	return f.moveDefect(ctx, wh, od, p)
}

// undoDefect deletes the move a receipt recorded (one already gone counts
// as deleted), before the rest of its revert.
func (f *Flow) undoDefect(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc) error {
	c, err := changeOf(od)
	if err != nil || c.DefectMove == nil {
		return err
	}
	docs, err := f.defectDocuments()
	if err != nil {
		return err
	}
	m := c.DefectMove
	if err := docs.DeleteDocument(ctx, moysklad.TypeMove, m.ID); err != nil {
		return fmt.Errorf("delete move %s of defective units: %w", m.ID, err)
	}
	if err := f.recordDefect(ctx, wh, od.OutdocID, nil); err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent,
		Message: fmt.Sprintf("Склад %s исправляет документ %d %s: перемещение брака %s (%d шт.) удалено",
			wh.Name, od.OutdocID, minilog.RevertMark(od.OutdocID), m.Name, m.Units)})
}

func (f *Flow) defectDocuments() (defectDocuments, error) {
	d, ok := f.o.MoySklad().(defectDocuments)
	if !ok {
		return nil, errors.New("inbound: the MoySklad client cannot create documents (Template, Create, DeleteDocument, GetStore)")
	}
	return d, nil
}

func storeRef(s *moysklad.Store) *moysklad.Ref {
	return &moysklad.Ref{Meta: moysklad.Meta{Href: s.Meta.Href, Type: s.Meta.Type, MediaType: "application/json"}}
}

// undoCountedDefect takes a withdrawn part's defective units out of the
// move of the final receipt that counted it in. The move is set to what
// the final and the parts it still counts in booked, not reduced, so a
// retry changes nothing more; a move left empty is deleted.
func (f *Flow) undoCountedDefect(ctx context.Context, r *orchestrator.Run, wh *feed.Warehouse, od storage.Outdoc, s *fulfillment.Supply) error {
	c, err := changeOf(od)
	if err != nil || c.CountedIn == 0 || kindOf(od, s) != kindPart || r.State() != fsm.Received {
		return err
	}
	store := f.o.Store()
	final, err := store.Outdoc(ctx, wh.Name, c.CountedIn)
	if err != nil {
		return err
	}
	fc, err := changeOf(final)
	if err != nil || fc.DefectMove == nil {
		return err
	}
	all, err := store.OutdocsByIndoc(ctx, od.IndocID)
	if err != nil {
		return err
	}
	var booked []*fulfillment.Supply
	var ids []int64
	for _, x := range all {
		if x.OutdocID != final.OutdocID {
			xc, err := changeOf(x)
			if err != nil {
				return err
			}
			if x.OutdocID == od.OutdocID || xc.CountedIn != final.OutdocID ||
				(x.Status != storage.OutdocApplied && x.Status != storage.OutdocLocked) {
				continue
			}
		}
		var b fulfillment.Supply
		if err := json.Unmarshal(x.Body, &b); err != nil {
			return fmt.Errorf("stored outdoc %d: %w", x.OutdocID, err)
		}
		booked = append(booked, &b)
		ids = append(ids, x.OutdocID)
	}
	skus, err := wh.Catalogue.Keys(ctx, r.Doc.Rows())
	if err != nil {
		return err
	}
	reported, defective, err := f.reported(ctx, wh, r.Doc.Rows(), nil, ids...)
	if err != nil {
		return err
	}
	p, err := f.planDefect(ctx, wh, r.Doc.Rows(), skus, nil, sumReceipt(booked...), reported, defective)
	if err != nil {
		return err
	}
	m := *fc.DefectMove
	if p.units == m.Units {
		return nil // set already
	}
	docs, err := f.defectDocuments()
	if err != nil {
		return err
	}
	what := "удалено"
	next := &m
	if p.to == nil {
		if err := docs.DeleteDocument(ctx, moysklad.TypeMove, m.ID); err != nil {
			return fmt.Errorf("delete move %s of defective units: %w", m.ID, err)
		}
		next = nil
	} else {
		if _, err := f.o.MoySklad().UpdateDocument(ctx, moysklad.TypeMove, m.ID, moysklad.DocumentUpdate{Positions: &p.rows}); err != nil {
			return fmt.Errorf("update move %s of defective units: %w", m.ID, err)
		}
		what = fmt.Sprintf("теперь %d шт.", p.units)
		m.Units = p.units
	}
	if err := f.recordDefect(ctx, wh, final.OutdocID, next); err != nil {
		return err
	}
	return r.Note(ctx, storage.TimelineEntry{Kind: storage.KindEvent,
		Message: fmt.Sprintf("Склад %s исправляет документ %d %s: перемещение брака %s по документу %d %s",
			wh.Name, od.OutdocID, minilog.RevertMark(od.OutdocID), m.Name, final.OutdocID, what)})
}
