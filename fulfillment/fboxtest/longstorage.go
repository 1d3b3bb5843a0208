package fboxtest

import (
	"fmt"
	"slices"

	"github.com/skladflow/skladflow/fulfillment"
)

// Long storage (#goods_long_desc): goods leave ordinary stock in boxes
// (goods_to_long_storage) and come back only as the same whole boxes
// (goods_from_long_storage).

// LongBox is a box moved to long storage with its goods.
type LongBox struct {
	BoxID int32
	Lines []Line
}

// ToLongStorage issues a goods_to_long_storage: the boxes leave stock for
// long storage under the FBO mode agreed for it (#goods_long_desc steps
// 1–3; fbo_mode is required by the schema). A box id must not be in long
// storage already.
func (s *Server) ToLongStorage(fboMode int32, boxes ...LongBox) (int64, error) {
	var out []fulfillment.LongStorageBox
	for _, b := range boxes {
		box := fulfillment.LongStorageBox{BoxID: b.BoxID, Goods: []fulfillment.LongStorageGood{}}
		for _, l := range b.Lines {
			if l.Useful != 0 {
				box.Goods = append(box.Goods, fulfillment.LongStorageGood{GoodID: l.GoodID, QualType: fulfillment.QualUseful, Qnt: l.Useful})
			}
			if l.Defective != 0 {
				box.Goods = append(box.Goods, fulfillment.LongStorageGood{GoodID: l.GoodID, QualType: fulfillment.QualDefective, Qnt: l.Defective})
			}
		}
		out = append(out, box)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueStockDoc(longDoc{fulfillment.LongStorageMove{OutdocType: fulfillment.OutdocToLongStorage, FBOMode: fboMode, Boxes: out}})
}

// FromLongStorage issues a goods_from_long_storage: whole boxes moved to
// long storage earlier, and not returned since, come back to stock with
// what they held (#goods_long_desc steps 4–5).
func (s *Server) FromLongStorage(boxIDs ...int32) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.longBoxes(0)
	var out []fulfillment.LongStorageBox
	for _, id := range boxIDs {
		b, found := stored[id]
		if !found {
			return 0, fmt.Errorf("fboxtest: box %d is not in long storage", id)
		}
		out = append(out, b)
	}
	return s.issueStockDoc(longDoc{fulfillment.LongStorageMove{OutdocType: fulfillment.OutdocFromLongStorage, Boxes: out}})
}

// longBoxes are the boxes in long storage now, as the goods_to_long_storage
// document that moved each one lists it, the document excluded (0: none)
// not counting; under s.mu. A box is in long storage while more documents
// moved it there than back.
func (s *Server) longBoxes(excluded int64) map[int32]fulfillment.LongStorageBox {
	count := map[int32]int{}
	boxes := map[int32]fulfillment.LongStorageBox{}
	for id, o := range s.outdocs {
		d, ok := o.raw.(longDoc)
		if !ok || id == excluded {
			continue
		}
		for _, b := range d.Boxes {
			if d.OutdocType == fulfillment.OutdocToLongStorage {
				count[b.BoxID]++
				boxes[b.BoxID] = b
			} else {
				count[b.BoxID]--
			}
		}
	}
	for id, n := range count {
		if n <= 0 {
			delete(boxes, id)
		}
	}
	return boxes
}

// longDoc is a goods_to_long_storage or goods_from_long_storage body.
type longDoc struct{ fulfillment.LongStorageMove }

// picked: a box comes back whole (#goods_long_desc), so the units that
// come back are those its goods_to_long_storage moved into long storage,
// box by box, as long as they are still there; under s.mu.
func (d longDoc) picked(s *Server) map[stockKey][]string {
	if d.OutdocType != fulfillment.OutdocFromLongStorage {
		return nil
	}
	at := s.unitRegister()
	out := map[stockKey][]string{}
	for _, b := range d.Boxes {
		for k, sns := range s.boxUnits(b.BoxID) {
			for _, sn := range sns {
				if at[sn] == k {
					out[k] = append(out[k], sn)
				}
			}
		}
	}
	return out
}

// boxUnits are the serials of the units the latest goods_to_long_storage
// of a box moved into long storage in it, by cell: the document's arrivals
// in long storage, shared out to its boxes in order; under s.mu.
func (s *Server) boxUnits(boxID int32) map[stockKey][]string {
	var last int64
	for id, o := range s.outdocs {
		if d, ok := o.raw.(longDoc); ok && d.OutdocType == fulfillment.OutdocToLongStorage && id > last &&
			slices.ContainsFunc(d.Boxes, func(b fulfillment.LongStorageBox) bool { return b.BoxID == boxID }) {
			last = id
		}
	}
	if last == 0 {
		return nil
	}
	o := s.outdocs[last]
	arrived := map[stockKey][]string{}
	for _, u := range o.units {
		if u.InOut == fulfillment.SerialIn && u.state == fulfillment.GoodStateLongStorage {
			k := stockKey{u.GoodID, u.QualType, u.state}
			arrived[k] = append(arrived[k], u.GoodSN)
		}
	}
	for _, b := range o.raw.(longDoc).Boxes {
		mine := map[stockKey][]string{}
		for _, g := range b.Goods {
			k := stockKey{g.GoodID, g.QualType, fulfillment.GoodStateLongStorage}
			n := min(int(g.Qnt), len(arrived[k]))
			mine[k] = append(mine[k], arrived[k][:n]...)
			arrived[k] = arrived[k][n:]
		}
		if b.BoxID == boxID {
			return mine
		}
	}
	return nil
}

func (d longDoc) outdocType() string { return d.OutdocType }

func (d longDoc) withCommon(c fulfillment.OutdocCommon) stockBody {
	d.Common = c
	return d
}

func (d longDoc) edit() (stockBody, any) {
	next := longDoc{deepCopy(d.LongStorageMove)}
	return &next, &next.LongStorageMove
}

// moves: a box's goods leave state stock for long_storage, or come back
// (#good_state_desc long_storage).
func (d longDoc) moves() []fulfillment.GoodMove {
	sign := int32(1)
	if d.OutdocType == fulfillment.OutdocFromLongStorage {
		sign = -1
	}
	var out []fulfillment.GoodMove
	for _, b := range d.Boxes {
		for _, g := range b.Goods {
			out = append(out,
				fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateStock, QualType: g.QualType, Qnt: -sign * g.Qnt},
				fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateLongStorage, QualType: g.QualType, Qnt: sign * g.Qnt})
		}
	}
	return out
}

// check applies the schemas (boxes required, box_id and goods in each;
// goods_to_long_storage requires fbo_mode) and #goods_long_desc: a box
// goes to long storage once, and comes back whole, as it went.
func (d longDoc) check(s *Server, replaced int64) error {
	if len(d.Boxes) == 0 {
		return fmt.Errorf("fboxtest: %s: no boxes", d.OutdocType)
	}
	if d.OutdocType == fulfillment.OutdocToLongStorage && d.FBOMode <= 0 {
		return fmt.Errorf("fboxtest: %s: fbo_mode is required", d.OutdocType)
	}
	if d.OutdocType == fulfillment.OutdocFromLongStorage && d.FBOMode != 0 {
		return fmt.Errorf("fboxtest: %s: fbo_mode is only in goods_to_long_storage", d.OutdocType)
	}
	stored := s.longBoxes(replaced)
	seen := map[int32]bool{}
	for _, b := range d.Boxes {
		switch {
		case b.BoxID <= 0:
			return fmt.Errorf("fboxtest: %s: box_id %d", d.OutdocType, b.BoxID)
		case seen[b.BoxID]:
			return fmt.Errorf("fboxtest: %s: box %d twice", d.OutdocType, b.BoxID)
		case len(b.Goods) == 0:
			return fmt.Errorf("fboxtest: %s: box %d is empty", d.OutdocType, b.BoxID)
		}
		seen[b.BoxID] = true
		for _, g := range b.Goods {
			if err := s.checkGood(g.GoodID, g.QualType); err != nil {
				return err
			}
			if g.Qnt <= 0 {
				return fmt.Errorf("fboxtest: %s: box %d: good %s: qnt %d", d.OutdocType, b.BoxID, g.GoodID, g.Qnt)
			}
		}
		had, in := stored[b.BoxID]
		switch {
		case d.OutdocType == fulfillment.OutdocToLongStorage && in:
			return fmt.Errorf("fboxtest: box %d is in long storage already", b.BoxID)
		case d.OutdocType == fulfillment.OutdocFromLongStorage && !in:
			return fmt.Errorf("fboxtest: box %d is not in long storage", b.BoxID)
		case d.OutdocType == fulfillment.OutdocFromLongStorage && !slices.Equal(had.Goods, b.Goods):
			return fmt.Errorf("fboxtest: box %d comes back whole, as it went (#goods_long_desc)", b.BoxID)
		}
	}
	return nil
}
