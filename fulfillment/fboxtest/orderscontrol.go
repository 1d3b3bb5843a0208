package fboxtest

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
)

// Test controls that play the warehouse's side of the order process
// (#order_obr_desc). Each returns the outdoc ids it issued.

// ProductionLead is how long before control.to_delivery_date an order is
// passed to production: the spec says only «не ранее чем за несколько
// часов».
const ProductionLead = 3 * time.Hour

// ProcessOrders runs the pool once, as FBox does every 5 minutes
// (#order_obr_desc 2), in arrival order: an order the free stock covers is
// passed to production and holds its units (one orders_production_start
// for all of them, 2.1); the others stay in the pool, and those whose
// shortfall is new or changed are listed in one orders_deficit with the
// missing units per good (2.2). Fake orders and orders whose
// to_delivery_date is further than ProductionLead are left alone. Optional
// outdocs that are off are not issued (the orders move all the same).
func (s *Server) ProcessOrders() (outdocs []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	free := s.stock()
	held := s.held()
	avail := map[string]int32{}
	for id, l := range free {
		avail[id] = l.useful - held[id]
	}
	now := s.opts.Now()
	var started, short []*orderRec
	var deficits []fulfillment.DeficitOrder
	for _, id := range s.ord.seq {
		rec := s.ord.orders[id]
		if rec.stage != StagePool {
			continue
		}
		if c := rec.order.Control; c != nil && (c.IsFakeOrder || (c.ToDeliveryDate != nil && c.ToDeliveryDate.After(now.Add(ProductionLead)))) {
			continue
		}
		need := map[string]int32{}
		var goods []string
		for _, g := range rec.order.Goods {
			if need[g.GoodID] == 0 {
				goods = append(goods, g.GoodID)
			}
			need[g.GoodID]++
		}
		var missing []fulfillment.DeficitGood
		for _, g := range goods {
			if n := need[g] - max(avail[g], 0); n > 0 {
				missing = append(missing, fulfillment.DeficitGood{GoodID: g, ErrorCode: fulfillment.CodeUnclassified,
					ErrorDescrip: fmt.Sprintf("Недостаточно товара %s: нужно %d, свободно %d", g, need[g], max(avail[g], 0)), Qnt: n})
			}
		}
		if len(missing) == 0 {
			for g, n := range need {
				avail[g] -= n
			}
			rec.stage, rec.deficit = StageProduction, ""
			started = append(started, rec)
			continue
		}
		sig := fmt.Sprint(missing)
		if sig == rec.deficit {
			continue // reported already, nothing changed
		}
		rec.deficit = sig
		short = append(short, rec)
		deficits = append(deficits, fulfillment.DeficitOrder{OrderID: rec.order.OrderID, ErrorCode: fulfillment.CodeUnclassified,
			ErrorDescrip: "Заказ не обеспечен товарами", Goods: missing})
	}
	if len(started) > 0 && s.ord.on(fulfillment.OutdocOrdersProductionStart) {
		ids := make([]string, len(started))
		for i, rec := range started {
			ids[i] = rec.order.OrderID
		}
		outdocs = append(outdocs, s.issueOrderOutdoc(fulfillment.OutdocOrdersProductionStart, "", started, func(c fulfillment.OutdocCommon) any {
			return fulfillment.OrdersProductionStart{OutdocType: fulfillment.OutdocOrdersProductionStart, Common: c, OrderIDs: ids}
		}))
	}
	if len(short) > 0 && s.ord.on(fulfillment.OutdocOrdersDeficit) {
		outdocs = append(outdocs, s.issueOrderOutdoc(fulfillment.OutdocOrdersDeficit, "", short, func(c fulfillment.OutdocCommon) any {
			return fulfillment.OrdersDeficit{OutdocType: fulfillment.OutdocOrdersDeficit, Common: c, Orders: deficits}
		}))
	}
	return outdocs
}

// StartPicking moves orders passed to production to picking
// (#order_obr_desc 4): from now on a cancellation is only requested.
func (s *Server) StartPicking(orderIDs ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.ordersAt(orderIDs, StageProduction, StagePicking)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		rec.stage = StagePicking
	}
	return nil
}

// DeliveryRefuses annuls an order the delivery service refused at
// pre-registration, which orders passed to production go through
// (#order_obr_desc 3, 3.1): orders_cancel with the reason. It returns 0
// when the order is not in production.
func (s *Server) DeliveryRefuses(orderID, reason string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.ordersAt([]string{orderID}, StageProduction)
	if err != nil {
		return 0
	}
	return s.cancelOutdoc(recs, ReasonDelivery, reason)
}

// PalletOrders puts picked orders on a pallet (#order_obr_desc 4); orders
// whose cancellation was requested are taken out there and cancelled
// (#order_cancel_desc 2): the orders_cancel id, or 0 when there was none.
func (s *Server) PalletOrders(orderIDs ...string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.ordersAt(orderIDs, StageProduction, StagePicking)
	if err != nil {
		return 0, err
	}
	_, cancel := s.palletize(recs)
	if len(cancel) == 0 {
		return 0, nil
	}
	return s.cancelOutdoc(cancel, ReasonCustomer, "Отменен по запросу заказчика"), nil
}

// palletize splits orders into those that go on and those whose
// cancellation was requested.
func (s *Server) palletize(recs []*orderRec) (keep, cancel []*orderRec) {
	for _, rec := range recs {
		if rec.cancelRequested {
			cancel = append(cancel, rec)
			continue
		}
		rec.stage = StagePicking
		keep = append(keep, rec)
	}
	return keep, cancel
}

// ShipOrders hands orders (passed to production or being picked) to their
// delivery service in ONE orders_shipment (#order_obr_desc 5, schema
// orders_shipment: one delivery_id for the document). short[order][good]
// is units of that good missing from the parcel: order_out lists every
// unit packed (one goods entry per unit), so a unit short is a unit
// absent. An order whose cancellation was requested is taken out at the
// pallet and gets an orders_cancel instead (#order_cancel_desc 2/3). It
// returns the orders_shipment id, 0 when no order was left to ship.
func (s *Server) ShipOrders(short map[string]map[string]int32, orderIDs ...string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.ordersAt(orderIDs, StageProduction, StagePicking)
	if err != nil {
		return 0, err
	}
	for _, rec := range recs {
		if err := shortOf(rec, short[rec.order.OrderID]); err != nil {
			return 0, err
		}
		if rec.order.DeliveryID != recs[0].order.DeliveryID {
			return 0, fmt.Errorf("fboxtest: orders %s and %s go with different delivery services: one orders_shipment has one delivery_id",
				recs[0].order.OrderID, rec.order.OrderID)
		}
	}
	keep, cancel := s.palletize(recs)
	if len(cancel) > 0 {
		s.cancelOutdoc(cancel, ReasonCustomer, "Отменен по запросу заказчика")
	}
	if len(keep) == 0 {
		return 0, nil
	}
	d, _ := s.ord.delivery(keep[0].order.DeliveryID, 0)
	var orders []fulfillment.ShippedOrder
	for _, rec := range keep {
		left := map[string]int32{}
		for g, n := range short[rec.order.OrderID] {
			left[g] = n
		}
		s.ord.barcodes++
		rec.barcode = fmt.Sprintf("FBX%010d", s.ord.barcodes)
		out := fulfillment.ShippedOrder{OrderID: rec.order.OrderID, Origin: rec.order.Origin, Barcode: rec.barcode,
			DispatchNumber: fmt.Sprintf("%d%08d", d.DeliveryID, s.ord.barcodes), PltID: 1, PltBar: "PLT0001", UnitQnt: 1}
		rec.shipped = nil
		for _, g := range rec.order.Goods {
			if left[g.GoodID] > 0 {
				left[g.GoodID]--
				continue
			}
			card, _ := s.cat.info(g.GoodID)
			sg := fulfillment.ShippedGood{UnitNum: 1, GoodID: g.GoodID, GoodName: card.GoodName, GoodType: card.GoodType,
				DeclaredValue: g.DeclaredValue, COD: g.COD}
			rec.shipped = append(rec.shipped, sg)
			out.DeclaredValue += g.DeclaredValue
			out.COD += g.COD
			out.Weight += max(card.Weight, 100)
		}
		out.Goods = rec.shipped
		out.Units = []fulfillment.ShippedUnit{{UnitNum: 1, Barcode: rec.barcode, Weight: out.Weight}}
		rec.stage = StageShipped
		orders = append(orders, out)
	}
	// #order_obr_desc 4: orders_pallet (optional) for the pallet they
	// left on, with the same order_out entries.
	var pallet int64
	if s.ord.on(fulfillment.OutdocOrdersPallet) {
		pallet = s.issueOrderOutdoc(fulfillment.OutdocOrdersPallet, "", keep, func(c fulfillment.OutdocCommon) any {
			return palletBody{OutdocType: fulfillment.OutdocOrdersPallet, Common: c, DeliveryID: d.DeliveryID,
				DeliveryName: d.DeliveryName, PltID: 1, Orders: orders}
		})
	}
	id := s.issueOrderOutdoc(fulfillment.OutdocOrdersShipment, "", keep, func(c fulfillment.OutdocCommon) any {
		return fulfillment.OrdersShipment{OutdocType: fulfillment.OutdocOrdersShipment, Common: c,
			DeliveryID: d.DeliveryID, DeliveryName: d.DeliveryName, Orders: orders}
	})
	for _, rec := range keep {
		rec.shipment, rec.pallet = id, pallet
	}
	return id, nil
}

// palletBody is an orders_pallet (schema orders_pallet).
type palletBody struct {
	OutdocType   string                     `json:"outdoc_type"`
	Common       fulfillment.OutdocCommon   `json:"common"`
	DeliveryID   int32                      `json:"delivery_id"`
	DeliveryName string                     `json:"delivery_name"`
	PltID        int32                      `json:"plt_id"`
	Orders       []fulfillment.ShippedOrder `json:"orders"`
}

// RefuseShipment is the delivery service giving shipped orders back
// (#order_obr_desc 6): they return to picking and their units to the
// shelf. While their orders_shipment is unlocked they are just removed
// from it (a document left empty is deleted) and it returns 0; once the
// customer locked it, an orders_shipment_refusal names them. All orders
// must come from one orders_shipment.
func (s *Server) RefuseShipment(orderIDs ...string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.ordersAt(orderIDs, StageShipped)
	if err != nil {
		return 0, err
	}
	ship := recs[0].shipment
	for _, rec := range recs {
		if rec.shipment != ship {
			return 0, fmt.Errorf("fboxtest: orders %s and %s left in different orders_shipment documents", recs[0].order.OrderID, rec.order.OrderID)
		}
	}
	o, found := s.outdocs[ship]
	var orders []fulfillment.RefusedOrder
	for _, rec := range recs {
		orders = append(orders, fulfillment.RefusedOrder{OrderID: rec.order.OrderID, Barcode: rec.barcode, PltID: 1,
			OrdersPalletOutdocID: rec.pallet})
		rec.stage, rec.shipment, rec.pallet, rec.shipped = StagePicking, 0, 0, nil
	}
	if !found || !o.header.Locked {
		if found {
			s.dropFromShipment(o, recs)
		}
		if p, found := s.outdocs[orders[0].OrdersPalletOutdocID]; found && !p.header.Locked {
			s.dropFromShipment(p, recs)
		}
		return 0, nil
	}
	return s.issueOrderOutdoc(fulfillment.OutdocOrdersShipmentRefusal, "", recs, func(c fulfillment.OutdocCommon) any {
		return fulfillment.OrdersShipmentRefusal{OutdocType: fulfillment.OutdocOrdersShipmentRefusal, Common: c,
			OrdersShipmentOutdocID: ship, Orders: orders}
	}), nil
}

// dropFromShipment removes orders from an unlocked orders_shipment; the
// body is replaced, never changed in place (GET /outdocs reads it without
// the lock).
func (s *Server) dropFromShipment(o *outdoc, recs []*orderRec) {
	drop := func(orders []fulfillment.ShippedOrder) []fulfillment.ShippedOrder {
		return slices.DeleteFunc(slices.Clone(orders), func(x fulfillment.ShippedOrder) bool {
			return slices.ContainsFunc(recs, func(r *orderRec) bool { return r.order.OrderID == x.OrderID })
		})
	}
	var left int
	switch body := o.raw.(type) {
	case fulfillment.OrdersShipment:
		body.Orders = drop(body.Orders)
		o.raw, left = body, len(body.Orders)
	case palletBody:
		body.Orders = drop(body.Orders)
		o.raw, left = body, len(body.Orders)
	}
	if left == 0 {
		delete(s.outdocs, o.header.OutdocID)
	}
}

// ordersAt finds orders that are at one of the stages, under s.mu.
func (s *Server) ordersAt(orderIDs []string, stages ...string) ([]*orderRec, error) {
	if len(orderIDs) == 0 {
		return nil, fmt.Errorf("fboxtest: no orders named")
	}
	var recs []*orderRec
	for _, id := range orderIDs {
		rec, found := s.ord.orders[id]
		switch {
		case !found:
			return nil, fmt.Errorf("fboxtest: no order %s", id)
		case !slices.Contains(stages, rec.stage):
			return nil, fmt.Errorf("fboxtest: order %s is at %s, not %s", id, rec.stage, strings.Join(stages, " or "))
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Order returns an order as the warehouse holds it, with its stage.
func (s *Server) Order(orderID string) (fulfillment.Order, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, found := s.ord.orders[orderID]
	if !found {
		return fulfillment.Order{}, "", false
	}
	return rec.order, rec.stage, true
}

// OrderIDs lists the orders the warehouse holds, cancelled ones too.
func (s *Server) OrderIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Clone(s.ord.seq)
	sort.Strings(ids)
	return ids
}

// CancelRequested says whether a cancellation waits for the order to reach
// the pallet (or, once shipped, the delivery service to bring it back).
func (s *Server) CancelRequested(orderID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, found := s.ord.orders[orderID]
	return found && rec.cancelRequested
}

// LoseOrderAnswerNext makes the next POST /orders apply its orders and then
// drop the connection without an answer.
func (s *Server) LoseOrderAnswerNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ord.loseNext = true
}

// OrderCreateCalls counts POST /orders requests that named the order,
// refused ones too.
func (s *Server) OrderCreateCalls(orderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ord.creates[orderID]
}

// CorrectOrdersShipment revises an orders_shipment as fbox.md §8
// «Corrections» describes for any outdoc: a locked (imported) one gets
// unlock_request and, once the client has reverted and unlocked it, is
// replaced by a document of the same orders under a new id and
// created_at, with the original outdoc_date; an unlocked one is replaced
// at once. edit may change the replacement's body (a dispatch number, a
// track), not its orders or units: the emulator's stock follows the
// shipment, which is not redone. A document already waiting for its
// correction is refused: the replacement is the one to correct next.
func (s *Server) CorrectOrdersShipment(outdocID int64, edit func(*fulfillment.OrdersShipment)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.outdocs[outdocID]
	if !ok || o.header.OutdocType != fulfillment.OutdocOrdersShipment {
		return fmt.Errorf("fboxtest: outdoc %d is not an orders_shipment", outdocID)
	}
	if o.header.UnlockRequest {
		return fmt.Errorf("fboxtest: outdoc %d is being corrected already", outdocID)
	}
	old, ok := o.raw.(fulfillment.OrdersShipment)
	if !ok {
		return fmt.Errorf("fboxtest: outdoc %d: unexpected body %T", outdocID, o.raw)
	}
	next := old
	next.Orders = slices.Clone(old.Orders)
	if edit != nil {
		edit(&next)
	}
	if len(next.Orders) != len(old.Orders) {
		return fmt.Errorf("fboxtest: correction of outdoc %d changes its orders", outdocID)
	}
	for i := range next.Orders {
		if next.Orders[i].OrderID != old.Orders[i].OrderID || !maps.Equal(next.Orders[i].Shipped(), old.Orders[i].Shipped()) {
			return fmt.Errorf("fboxtest: correction of outdoc %d changes order %s or its units", outdocID, old.Orders[i].OrderID)
		}
	}
	var recs []*orderRec
	for _, so := range old.Orders {
		if rec := s.ord.orders[so.OrderID]; rec != nil && rec.shipment == outdocID {
			recs = append(recs, rec)
		}
	}
	day := o.header.OutdocDate
	issue := func() {
		id := s.issueOrderOutdoc(fulfillment.OutdocOrdersShipment, "", recs, func(c fulfillment.OutdocCommon) any {
			c.OutdocDate = day
			next.Common = c
			return next
		})
		s.outdocs[id].header.OutdocDate = day
		for _, rec := range recs {
			rec.shipment = id
		}
	}
	if !o.header.Locked {
		delete(s.outdocs, outdocID)
		issue()
		return nil
	}
	o.header.UnlockRequest = true
	o.reissue = func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		issue()
	}
	return nil
}
