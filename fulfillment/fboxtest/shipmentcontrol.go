package fboxtest

import (
	"fmt"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
)

// BoxUnits is how many units of a good the emulator puts in one box, and
// PalletBoxes how many boxes on one pallet, so that a shipment of more
// than a few units spans several boxes and pallets (gplt_out) and a
// client must add them up.
const (
	BoxUnits    = 10
	PalletBoxes = 2
)

// ShipmentTask returns a shipment task as it was created.
func (s *Server) ShipmentTask(indocID string) (fulfillment.ShipmentTask, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shipmentIndoc(indocID)
}

// ShipmentStage is a task's stage (ShipStageNew…ShipStageShipped), "" for none.
func (s *Server) ShipmentStage(indocID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.shipState().tasks[indocID]; ok {
		return t.stage
	}
	return ""
}

// StartShipmentPicking makes the warehouse start picking a new task
// (#goods_shipment_desc step 2); from now on the task cannot be deleted.
// The goods_shipment_start outdoc is optional (#doc_option_desc): it is
// issued only when the account turned it on. It returns the outdoc id, 0
// when none was issued (no such task, picking already started, or the type
// is off).
func (s *Server) StartShipmentPicking(indocID string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.shipState().tasks[indocID]
	if !ok || t.stage != ShipStageNew {
		return 0
	}
	t.stage = ShipStagePicking
	if !s.ord.on(fulfillment.OutdocShipmentStart) {
		return 0
	}
	return s.issueShipmentDoc(fulfillment.OutdocShipmentStart, "Начат подбор товаров по заданию на отгрузку", indocID,
		func(c fulfillment.OutdocCommon) any {
			return fulfillment.GoodsShipmentStart{OutdocType: fulfillment.OutdocShipmentStart, Common: c}
		}, nil, fulfillment.Date{})
}

// ShipmentReady makes the warehouse finish picking (#goods_shipment_desc
// step 3): a goods_shipment_ready outdoc with the boxes picked, issued
// only when the account turned that optional type on (#doc_option_desc).
// short[good] is the units of a good not found; a good short by its whole
// plan is not in the boxes. A new task may go straight here. It returns
// the outdoc id, 0 when none was issued (no such task, already picked, or
// the type is off).
func (s *Server) ShipmentReady(indocID string, short map[string]int32) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.shipState().tasks[indocID]
	if !ok || (t.stage != ShipStageNew && t.stage != ShipStagePicking) {
		return 0
	}
	t.stage = ShipStageReady
	if !s.ord.on(fulfillment.OutdocShipmentReady) {
		return 0
	}
	pallets := s.pack(t.task, short)
	return s.issueShipmentDoc(fulfillment.OutdocShipmentReady, "Подобран товар для отгрузки", indocID,
		func(c fulfillment.OutdocCommon) any {
			return fulfillment.GoodsShipmentReady{OutdocType: fulfillment.OutdocShipmentReady, Common: c, Pallets: pallets}
		}, nil, fulfillment.Date{})
}

// ShipGoods makes the warehouse ship a task: a goods_shipment outdoc whose
// boxes hold the plan less short[good] (#goods_shipment_desc step 5; the
// start and ready documents are optional, so any unshipped task may be
// shipped). The stock it takes is in GET /outdocs/{id}/goods.
func (s *Server) ShipGoods(indocID string, short map[string]int32) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.shipState().tasks[indocID]
	switch {
	case !ok:
		return 0, fmt.Errorf("fboxtest: no shipment task %s", indocID)
	case t.stage == ShipStageShipped:
		return 0, fmt.Errorf("fboxtest: shipment task %s is already shipped", indocID)
	case t.task.PickingOnly: // schema goods_shipment_task: picking_only, «подбор товаров без отгрузки»
		return 0, fmt.Errorf("fboxtest: shipment task %s is picking only: it is not shipped", indocID)
	}
	t.stage = ShipStageShipped
	return s.issueGoodsShipment(t, short, fulfillment.Date{}), nil
}

// CorrectShipment revises a goods_shipment, as fbox.md §8 «Corrections»
// describes: a replacement goods_shipment for the same task with short,
// under a new id and created_at and the original outdoc_date. A locked
// (imported) one gets unlock_request and is replaced once the client has
// reverted and unlocked it; an unlocked one is deleted and replaced at
// once.
func (s *Server) CorrectShipment(outdocID int64, short map[string]int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.outdocs[outdocID]
	if !ok || o.header.OutdocType != fulfillment.OutdocShipment {
		return fmt.Errorf("fboxtest: outdoc %d is not a goods_shipment", outdocID)
	}
	t, ok := s.shipState().tasks[o.header.IndocID]
	if !ok {
		return fmt.Errorf("fboxtest: outdoc %d: no shipment task %s", outdocID, o.header.IndocID)
	}
	day := o.header.OutdocDate
	if !o.header.Locked {
		delete(s.outdocs, outdocID)
		s.issueGoodsShipment(t, short, day)
		return nil
	}
	o.header.UnlockRequest = true
	o.reissue = func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.issueGoodsShipment(t, short, day)
	}
	return nil
}

// issueGoodsShipment adds a goods_shipment for a task and the stock it
// took; under s.mu.
func (s *Server) issueGoodsShipment(t *shipTask, short map[string]int32, day fulfillment.Date) int64 {
	pallets := s.pack(t.task, short)
	qual := t.task.QualType
	if qual == "" {
		qual = fulfillment.QualUseful
	}
	var moves []fulfillment.GoodMove
	for _, it := range t.task.Items {
		if n := pallets.Totals()[it.GoodID]; n > 0 {
			moves = append(moves, fulfillment.GoodMove{GoodID: it.GoodID, GoodState: fulfillment.GoodStateStock, QualType: qual, Qnt: -int32(n)})
		}
	}
	if moves == nil {
		moves = []fulfillment.GoodMove{}
	}
	return s.issueShipmentDoc(fulfillment.OutdocShipment, "Товары отгружены", t.task.IndocID,
		func(c fulfillment.OutdocCommon) any {
			return fulfillment.GoodsShipment{OutdocType: fulfillment.OutdocShipment, Common: c, Pallets: pallets}
		}, moves, day)
}

// PickFromStock makes the warehouse pick no more of a good than its stock
// of the task's quality holds (less what orders in production hold), as a
// real warehouse does: a short pick then comes from missing stock rather
// than from the short map alone. Off by default: shipments ship the plan
// less short whatever the stock.
func (s *Server) PickFromStock(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shipState().fromStock = on
}

// pickable is how many units of each good a task can pick: its plan less
// short, and with PickFromStock no more than the stock holds; under s.mu.
func (s *Server) pickable(t fulfillment.ShipmentTask, short map[string]int32) (map[string]int64, []string) {
	picked := map[string]int64{}
	var order []string
	for _, it := range t.Items {
		if _, seen := picked[it.GoodID]; !seen {
			order = append(order, it.GoodID)
		}
		picked[it.GoodID] += int64(it.PlanQnt)
	}
	var stock map[string]stockLine
	var held map[string]int32
	if s.shipState().fromStock {
		stock, held = s.stock(), s.held()
	}
	for _, g := range order {
		picked[g] = max(0, picked[g]-int64(short[g]))
		if stock == nil {
			continue
		}
		have := int64(stock[g].useful - held[g])
		if t.QualType == fulfillment.QualDefective {
			have = int64(stock[g].defective)
		}
		picked[g] = max(0, min(picked[g], have))
	}
	return picked, order
}

// pack puts the pickable units in boxes of BoxUnits units of one good and
// the boxes on pallets of PalletBoxes, each with the two barcodes gplt_out
// requires; under s.mu. Lines of one good are picked together.
func (s *Server) pack(t fulfillment.ShipmentTask, short map[string]int32) fulfillment.Pallets {
	st := s.shipState()
	picked, order := s.pickable(t, short)
	var boxes []fulfillment.Box
	for _, g := range order {
		n := picked[g]
		for n > 0 {
			q := min(n, BoxUnits)
			n -= q
			st.nextBox++
			boxes = append(boxes, fulfillment.Box{BoxID: st.nextBox,
				BoxUpperBar: fmt.Sprintf("BOX%08dU", st.nextBox), BoxLowerBar: fmt.Sprintf("BOX%08dL", st.nextBox),
				Goods: []fulfillment.BoxGood{{GoodID: g, Qnt: int32(q)}}})
		}
	}
	pallets := fulfillment.Pallets{}
	for i := 0; i < len(boxes); i += PalletBoxes {
		n := int32(len(pallets) + 1)
		pallets = append(pallets, fulfillment.Pallet{PltID: n, PltUpperBar: fmt.Sprintf("PLT%06dU", n), PltLowerBar: fmt.Sprintf("PLT%06dL", n),
			Boxes: boxes[i:min(i+PalletBoxes, len(boxes))]})
	}
	return pallets
}

// issueShipmentDoc adds an unlocked outdoc of a shipment task dated day
// (zero: today) whose body build makes from its common part; under s.mu.
func (s *Server) issueShipmentDoc(typ, descrip, indocID string, build func(fulfillment.OutdocCommon) any, moves []fulfillment.GoodMove, day fulfillment.Date) int64 {
	s.nextID++
	at := s.opts.Now().In(fulfillment.Moscow).Truncate(time.Second)
	now := fulfillment.Date{Time: at}
	if day.IsZero() {
		day = fulfillment.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, fulfillment.Moscow)}
	}
	h := fulfillment.OutdocHeader{OutdocID: s.nextID, OutdocType: typ, OutdocTypeDescrip: descrip,
		OutdocDate: day, CreatedAt: now, IndocID: indocID}
	c := fulfillment.OutdocCommon{OutdocID: s.nextID, OutdocType: typ, OutdocTypeDescrip: descrip,
		OutdocDate: day, CreatedAt: now, IndocID: indocID}
	s.outdocs[s.nextID] = &outdoc{header: h, raw: build(c), moves: moves}
	s.push(s.nextID, typ, indocID)
	return s.nextID
}
