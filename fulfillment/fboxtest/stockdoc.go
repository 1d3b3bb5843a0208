package fboxtest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
)

// The six documents the warehouse issues on its own that change stock
// (#doc_stocker_desc): three returns, the inventory correction and the two
// long-storage moves. None is optional (#doc_option_desc lists only
// goods_supply_start, goods_shipment_start, goods_shipment_ready,
// orders_receiving, orders_deficit, orders_production_start and
// orders_pallet), so they are always issued.

// stockBody is the body of one of the six documents.
type stockBody interface {
	// outdocType is the body's outdoc_type.
	outdocType() string
	// withCommon is a copy of the body with its common part set.
	withCommon(c fulfillment.OutdocCommon) stockBody
	// moves is what the document does to stock (GET /outdocs/{id}/goods).
	moves() []fulfillment.GoodMove
	// check validates the body as the warehouse would issue it, the
	// document replaced (0: none) no longer counting; under s.mu.
	check(s *Server, replaced int64) error
	// edit is a deep copy of the body and a pointer into it for
	// ReplaceOutdoc's mutate.
	edit() (stockBody, any)
}

// serialBody is a body whose units carry serial numbers (a return).
type serialBody interface {
	// serials are the serial numbers the document moved (GET
	// /outdocs/{id}/good_sn).
	serials() []fulfillment.SerialMove
}

// Outdoc type descriptions as the spec's table of outgoing documents
// gives them (#outdoc_dict), spelling included.
var stockOutdocNames = map[string]string{
	fulfillment.OutdocOrdersFullReturn:   "Полный возврат заказов",
	fulfillment.OutdocOrdersPartReturn:   "Частичный возврат заказов",
	fulfillment.OutdocOrdersClientReturn: "Клиентский возврат заказов",
	fulfillment.OutdocCorrection:         "Инвентаризация-коррекция",
	fulfillment.OutdocToLongStorage:      "Товары пееремещены на склад длительного хранения",
	fulfillment.OutdocFromLongStorage:    "Возврат товаров со склада длительного хранения",
}

// issueStockDoc validates and issues a document dated today; under s.mu.
func (s *Server) issueStockDoc(b stockBody) (int64, error) {
	if err := s.checkStockDoc(b, 0); err != nil {
		return 0, err
	}
	units, err := s.unitsOf(b)
	if err != nil {
		return 0, err
	}
	return s.putStockDoc(b, fulfillment.Date{}, units), nil
}

// checkStockDoc is the body's own rules, then the stock it takes must be
// there; under s.mu.
func (s *Server) checkStockDoc(b stockBody, replaced int64) error {
	if err := b.check(s, replaced); err != nil {
		return err
	}
	return s.fits(b.moves(), replaced)
}

// putStockDoc adds an unlocked document dated day (zero: today) with a
// new id and created_at and the serial movement of its units (unitsOf);
// under s.mu. indoc_id stays empty: returns and
// corrections are the warehouse's own (fbox.md §5), and the emulator plays
// the long-storage moves without the customer's task (#goods_long_desc).
func (s *Server) putStockDoc(b stockBody, day fulfillment.Date, units []unitMove) int64 {
	s.nextID++
	now := s.now()
	if day.IsZero() {
		at := now.Time
		day = fulfillment.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, fulfillment.Moscow)}
	}
	typ := b.outdocType()
	c := fulfillment.OutdocCommon{OutdocID: s.nextID, OutdocType: typ, OutdocTypeDescrip: stockOutdocNames[typ],
		OutdocDate: day, CreatedAt: now}
	h := fulfillment.OutdocHeader{OutdocID: s.nextID, OutdocType: typ, OutdocTypeDescrip: c.OutdocTypeDescrip,
		OutdocDate: day, CreatedAt: now}
	moves := b.moves()
	if moves == nil {
		moves = []fulfillment.GoodMove{} // non-nil: movesOf takes recorded moves as they are
	}
	s.outdocs[s.nextID] = &outdoc{header: h, raw: b.withCommon(c), moves: moves}
	if sb, ok := b.(serialBody); ok && len(sb.serials()) > 0 {
		if s.serials == nil {
			s.serials = map[int64][]fulfillment.SerialMove{}
		}
		s.serials[s.nextID] = sb.serials()
	} else if !ok {
		s.putUnits(s.nextID, units)
	}
	s.push(s.nextID, typ, "")
	return s.nextID
}

// ReplaceOutdoc corrects one of the six documents as fbox.md §8
// «Corrections» (#doc_lock_desc) describes: mutate changes a copy of its
// body (a *fulfillment.OrdersReturn, *fulfillment.GoodsCorrection or
// *fulfillment.LongStorageMove), which must still be a valid document. A
// locked document gets unlock_request and is replaced once the client has
// reverted and unlocked it; an unlocked one is deleted and replaced at
// once. The replacement has a new outdoc_id and created_at and the
// original outdoc_date.
func (s *Server) ReplaceOutdoc(outdocID int64, mutate func(body any) error) error {
	s.mu.Lock()
	o, found := s.outdocs[outdocID]
	b, six := stockBody(nil), false
	if found {
		b, six = o.raw.(stockBody)
	}
	s.mu.Unlock()
	if !six {
		return fmt.Errorf("fboxtest: outdoc %d is not a return, correction or long-storage move", outdocID)
	}
	next, ptr := b.edit()
	// mutate runs without s.mu: it may read the emulator.
	if err := mutate(ptr); err != nil {
		return fmt.Errorf("fboxtest: replace outdoc %d: %w", outdocID, err)
	}
	if next.outdocType() != b.outdocType() {
		return fmt.Errorf("fboxtest: replace outdoc %d: a replacement is of the same type %s", outdocID, b.outdocType())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.outdocs[outdocID] != o {
		return fmt.Errorf("fboxtest: outdoc %d changed while it was being replaced", outdocID)
	}
	if err := s.checkStockDoc(next, outdocID); err != nil {
		return err
	}
	day := o.header.OutdocDate
	if !o.header.Locked {
		delete(s.outdocs, outdocID)
		s.putStockDoc(next, day, s.replacementUnits(next))
		return nil
	}
	o.header.UnlockRequest = true
	o.reissue = func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.putStockDoc(next, day, s.replacementUnits(next)) // checked above: the warehouse's correction stands
	}
	return nil
}

// replacementUnits are the serial movement of a replacement, the document
// it replaces gone: its units are those the register gives (what the
// warehouse scanned for the old one is not carried over); under s.mu.
func (s *Server) replacementUnits(b stockBody) []unitMove {
	units, err := s.unitsOf(b)
	if err != nil {
		s.opts.Logger.Error("fboxtest: serials of a replacement", "err", err)
	}
	return units
}

// deepCopy copies a body through JSON, as the client would read it.
func deepCopy[T any](v T) T {
	var out T
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		panic(fmt.Sprintf("fboxtest: copy %T: %v", v, err))
	}
	return out
}

// checkGood is a good line's common rules: a registered good_id and a
// qual_type of qual_type_en; under s.mu.
func (s *Server) checkGood(goodID, qual string) error {
	switch {
	case goodID == "":
		return fmt.Errorf("fboxtest: good_id is required")
	case !s.cat.has(goodID):
		return fmt.Errorf("fboxtest: good %s is not registered", goodID)
	case qual != fulfillment.QualUseful && qual != fulfillment.QualDefective:
		return fmt.Errorf("fboxtest: good %s: qual_type %q is not useful or defective", goodID, qual)
	}
	return nil
}

// qualOf is the qual_type of a line.
func qualOf(defective bool) string {
	if defective {
		return fulfillment.QualDefective
	}
	return fulfillment.QualUseful
}
