package fboxtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/skladflow/skladflow/fulfillment"
)

// Stages of an order at the warehouse (#order_obr_desc).
const (
	StagePool       = "pool"       // step 2: waits for stock; deficit orders stay here
	StageProduction = "production" // step 2.1/3: passed to production, registered with the delivery service
	StagePicking    = "picking"    // step 4: being picked and packed
	StageShipped    = "shipped"    // step 5: handed to the delivery service
	StageCanceled   = "canceled"   // cancelled (#order_cancel_desc) or annulled (step 3.1)
)

// Cancel reasons of orders_cancel. The spec gives cancel_reason as a
// bare integer with no dictionary: the emulator's codes are its own.
const (
	ReasonCustomer = 1 // cancelled on the customer's request
	ReasonDelivery = 2 // refused by the delivery service
)

// orderBook is the emulator's order side: orders, stock added without
// documents, settings.
type orderBook struct {
	deliveries  []fulfillment.Delivery
	ownerdeps   []fulfillment.Ownerdep
	outdocTypes map[string]bool // optional outdoc types and whether they are on
	orders      map[string]*orderRec
	seq         []string // order_ids in arrival order: the pool's order
	creates     map[string]int
	loseNext    bool
	indocs      int
	initial     map[string]stockLine
	barcodes    int
}

// orderRec is one order's life at the warehouse.
type orderRec struct {
	order           fulfillment.Order
	raw             json.RawMessage // as received, for GET /orders/{id}/json
	indocID         string
	created         fulfillment.Date
	stage           string
	cancelRequested bool
	cancelOutdoc    int64
	deficit         string // the shortfall last reported in an orders_deficit
	shipment        int64  // the orders_shipment that carries it
	pallet          int64  // the orders_pallet that listed it, when that type is on
	shipped         []fulfillment.ShippedGood
	barcode         string
	outdocs         []int64
}

func newOrderBook(opts *Options) *orderBook {
	b := &orderBook{deliveries: opts.Deliveries, ownerdeps: opts.Ownerdeps, orders: map[string]*orderRec{},
		creates: map[string]int{}, initial: map[string]stockLine{}, outdocTypes: map[string]bool{}}
	if b.deliveries == nil {
		b.deliveries = slices.Clone(DefaultDeliveries)
	}
	for _, t := range fulfillment.OptionalOutdocTypes {
		b.outdocTypes[t] = false
	}
	for _, t := range opts.OutdocTypes {
		b.outdocTypes[t] = true
	}
	return b
}

// on says whether the warehouse issues outdocs of a type: optional types
// only when turned on (settings_get_resp.outdoc_types).
func (b *orderBook) on(outdocType string) bool {
	on, optional := b.outdocTypes[outdocType]
	return !optional || on
}

func (b *orderBook) delivery(id, ownerdep int32) (fulfillment.Delivery, bool) {
	st := fulfillment.Settings{Deliveries: b.deliveries}
	return st.Delivery(id, ownerdep)
}

// orderReq is an order as the schema `order` constrains it; pointers tell
// a missing required field from a zero.
type orderReq struct {
	OrderID       *string          `json:"order_id"`
	DeliveryID    *int32           `json:"delivery_id"`
	DeclaredValue *float64         `json:"declared_value"`
	COD           *float64         `json:"cod"`
	Goods         []orderGoodReq   `json:"goods"`
	Cons          json.RawMessage  `json:"cons"`
	Forwarded     json.RawMessage  `json:"forwarded_parcels"`
	Control       *orderControlReq `json:"control"`
}

type orderGoodReq struct {
	GoodID        string   `json:"good_id"`
	DeclaredValue *float64 `json:"declared_value"`
	COD           *float64 `json:"cod"`
	VATRate       *float64 `json:"vat_rate"`
	Qnt           *float64 `json:"qnt"` // not in the schema: one unit per line
}

type orderControlReq struct {
	OwnerdepID *int32 `json:"ownerdep_id"`
}

// createOrders is POST /orders (order_create_req). It creates an
// orders_shipment_task with the orders (fbox.md §4) or refuses the request
// whole (#error_desc: rollback).
func (s *Server) createOrders(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(r.Body)
	var q struct {
		Orders []json.RawMessage `json:"orders"`
	}
	if err == nil {
		err = json.Unmarshal(data, &q)
	}
	if err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+fmt.Sprint(err))
		return
	}
	s.mu.Lock()
	lose := s.ord.loseNext
	s.ord.loseNext = false
	reqs := make([]orderReq, len(q.Orders))
	for i, raw := range q.Orders {
		if err := json.Unmarshal(raw, &reqs[i]); err != nil {
			s.mu.Unlock()
			s.fail(w, http.StatusBadRequest, 400, fmt.Sprintf("orders[%d]: %v", i, err))
			return
		}
		if reqs[i].OrderID != nil {
			s.ord.creates[*reqs[i].OrderID]++
		}
	}
	code, msg := s.checkOrders(reqs)
	if msg != "" {
		s.mu.Unlock()
		s.business(w, code, msg)
		return
	}
	s.ord.indocs++
	indoc := fmt.Sprintf("orders-%d", s.ord.indocs)
	var recs []*orderRec
	for i, raw := range q.Orders {
		var o fulfillment.Order
		_ = json.Unmarshal(raw, &o)
		rec := &orderRec{order: o, raw: slices.Clone(raw), indocID: indoc, created: s.now(), stage: StagePool}
		// #order_cancel_desc: a cancelled order may be created again with
		// the same order_id; the new one starts from scratch.
		s.ord.seq = slices.DeleteFunc(s.ord.seq, func(id string) bool { return id == *reqs[i].OrderID })
		s.ord.orders[o.OrderID] = rec
		s.ord.seq = append(s.ord.seq, o.OrderID)
		recs = append(recs, rec)
	}
	// #order_obr_desc 1: orders_receiving (optional) for the orders received.
	if s.ord.on(fulfillment.OutdocOrdersReceiving) {
		s.receivingOutdoc(indoc, recs)
	}
	s.mu.Unlock()
	if lose {
		// The order is applied but the answer never comes: the connection
		// drops, as a network failure after FBox committed would.
		panic(http.ErrAbortHandler)
	}
	ok(w, nil)
}

// checkOrders validates a POST /orders request under s.mu; it returns the
// error code and message of the first problem, or "".
func (s *Server) checkOrders(reqs []orderReq) (int, string) {
	const bad = fulfillment.CodeUnclassified
	if len(reqs) == 0 {
		return bad, "Не передан ни один заказ (orders)"
	}
	seen := map[string]bool{}
	for i, o := range reqs {
		// #order_struct_desc: order_id and delivery_id are required.
		if o.OrderID == nil || *o.OrderID == "" {
			return bad, fmt.Sprintf("orders[%d]: не заполнен номер заказа order_id", i)
		}
		id := *o.OrderID
		if utf8.RuneCountInString(id) > 255 {
			return bad, fmt.Sprintf("orders[%d]: номер заказа order_id длиннее 255 символов", i)
		}
		if o.DeliveryID == nil {
			return bad, fmt.Sprintf("Заказ %s: не заполнен идентификатор службы доставки delivery_id", id)
		}
		var ownerdep int32
		if o.Control != nil && o.Control.OwnerdepID != nil {
			ownerdep = *o.Control.OwnerdepID
			// #ownerdep_desc: departments come from GET /settings.
			if !slices.ContainsFunc(s.ord.ownerdeps, func(d fulfillment.Ownerdep) bool { return d.OwnerdepID == ownerdep }) {
				return bad, fmt.Sprintf("Заказ %s: подразделение заказчика ownerdep_id %d не найдено", id, ownerdep)
			}
		}
		// #delivery_desc: the services available are the deliveries of GET /settings.
		if _, found := s.ord.delivery(*o.DeliveryID, ownerdep); !found {
			return bad, fmt.Sprintf("Заказ %s: служба доставки delivery_id %d не подключена", id, *o.DeliveryID)
		}
		// schema order: declared_value and cod have minimum 0.
		if (o.DeclaredValue != nil && *o.DeclaredValue < 0) || (o.COD != nil && *o.COD < 0) {
			return bad, fmt.Sprintf("Заказ %s: declared_value и cod не могут быть отрицательными", id)
		}
		if len(o.Goods) == 0 {
			if len(o.Cons) > 0 || len(o.Forwarded) > 0 {
				return bad, fmt.Sprintf("Заказ %s: консолидация и пересылка отправлений в эмуляторе не поддерживаются", id)
			}
			// schema order.goods: required except consolidation and forwarding.
			return bad, fmt.Sprintf("Заказ %s: не заполнен список позиций заказа goods", id)
		}
		for j, g := range o.Goods {
			switch {
			// schema order.goods: good_id, declared_value and cod required.
			case g.GoodID == "":
				return bad, fmt.Sprintf("Заказ %s: goods[%d]: не заполнен good_id", id, j)
			case g.DeclaredValue == nil || g.COD == nil:
				return bad, fmt.Sprintf("Заказ %s: товар %s: не заполнены declared_value и cod", id, g.GoodID)
			case *g.DeclaredValue < 0 || *g.COD < 0:
				return bad, fmt.Sprintf("Заказ %s: товар %s: declared_value и cod не могут быть отрицательными", id, g.GoodID)
			// «Кол-во экземпляров в позиции заказа всегда равно 1».
			case g.Qnt != nil && *g.Qnt != 1:
				return bad, fmt.Sprintf("Заказ %s: товар %s: количество экземпляров в позиции заказа всегда равно 1", id, g.GoodID)
			case g.VATRate != nil && !slices.Contains([]float64{-1, 0, 10, 20, 22}, *g.VATRate):
				return bad, fmt.Sprintf("Заказ %s: товар %s: недопустимая ставка НДС vat_rate %v", id, g.GoodID, *g.VATRate)
			// «Регистрация товаров»: a good must be registered before an order names it.
			case !s.cat.has(g.GoodID):
				return bad, fmt.Sprintf("Заказ %s: товар %s не зарегистрирован", id, g.GoodID)
			}
		}
		// An order_id is unique while the order is alive; a cancelled one
		// may be sent again (#order_cancel_desc). The spec's only duplicate
		// code is 1001 (#error_dict); that /orders uses it is unconfirmed.
		if rec, found := s.ord.orders[id]; (found && rec.stage != StageCanceled) || seen[id] {
			return fulfillment.CodeDuplicate, fmt.Sprintf("Заказ с номером %s уже зарегистрирован", id)
		}
		seen[id] = true
	}
	return 0, ""
}

// cancelOrders is POST /orders/cancel (order_cancel_req/resp) by the
// stages of #order_cancel_desc.
func (s *Server) cancelOrders(w http.ResponseWriter, r *http.Request) {
	var q struct {
		OrderIDs []string `json:"order_ids"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	if len(q.OrderIDs) == 0 { // order_cancel_req: order_ids required
		s.business(w, fulfillment.CodeUnclassified, "Не передан список номеров заказов order_ids")
		return
	}
	s.mu.Lock()
	var out []fulfillment.OrderCancel
	var now []*orderRec
	for _, id := range q.OrderIDs {
		rec, found := s.ord.orders[id]
		c := fulfillment.OrderCancel{OrderID: id}
		switch {
		case !found:
			c.State = fulfillment.OrderNotFound
		case rec.stage == StageCanceled:
			// Asked again (a lost answer): it stays cancelled, same document.
			c.State, c.CancelOutdocID = fulfillment.OrderCanceled, rec.cancelOutdoc
		case rec.stage == StagePool || rec.stage == StageProduction:
			// 1. Picking not started: cancelled at once, orders_cancel now.
			c.State = fulfillment.OrderCanceled
			now = append(now, rec)
		default:
			// 2./3. Picking: cancelled at the pallet (ShipOrders or
			// PalletOrders issues orders_cancel). 4. Shipped: the delivery
			// service is asked to bring it back and no orders_cancel comes;
			// the spec gives no state of its own for that, and
			// "marked as requiring cancellation" is what it says of every
			// order in the request.
			rec.cancelRequested = true
			c.State = fulfillment.OrderCancellationRequested
		}
		out = append(out, c)
	}
	if len(now) > 0 {
		id := s.cancelOutdoc(now, ReasonCustomer, "Отменен по запросу заказчика")
		for i := range out {
			if out[i].State == fulfillment.OrderCanceled && out[i].CancelOutdocID == 0 {
				out[i].CancelOutdocID = id
			}
		}
	}
	s.mu.Unlock()
	ok(w, map[string]any{"orders": out})
}

// orderInfo is GET /orders/{order_id}/info. An unknown order answers 404
// (#error_dict: «Запрашиваемый ресурс не найден»; the spec names no code
// of its own for it).
func (s *Server) orderInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, found := s.ord.orders[r.PathValue("id")]
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Заказ не найден")
		return
	}
	d, _ := s.ord.delivery(rec.order.DeliveryID, 0)
	info := fulfillment.OrderInfo{OrderID: rec.order.OrderID, CreatedAt: rec.created, IndocID: rec.indocID,
		Origin: rec.order.Origin, DeliveryID: rec.order.DeliveryID, DeliveryName: d.DeliveryName,
		Canceled: rec.stage == StageCanceled}
	for _, g := range rec.order.Goods {
		card, _ := s.cat.info(g.GoodID)
		info.Goods = append(info.Goods, fulfillment.OrderInfoGood{GoodID: g.GoodID, GoodType: card.GoodType,
			GoodName: card.GoodName, DeclaredValue: g.DeclaredValue, COD: g.COD})
	}
	for _, id := range rec.outdocs {
		o, found := s.outdocs[id]
		if !found {
			continue
		}
		h := o.header
		info.Outdocs = append(info.Outdocs, fulfillment.OrderOutdoc{OutdocID: h.OutdocID, OutdocType: h.OutdocType,
			OutdocTypeDescrip: h.OutdocTypeDescrip, OutdocDate: h.OutdocDate, CreatedAt: h.CreatedAt, Locked: h.Locked})
	}
	ok(w, map[string]any{"order": info})
}

// orderJSON is GET /orders/{order_id}/json: the order as it was received.
func (s *Server) orderJSON(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rec, found := s.ord.orders[r.PathValue("id")]
	var raw json.RawMessage
	if found {
		raw = rec.raw
	}
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Заказ не найден")
		return
	}
	ok(w, map[string]any{"order": raw})
}

// Outdoc type descriptions (#outdoc_types_desc).
var orderOutdocNames = map[string]string{
	fulfillment.OutdocOrdersReceiving:       "Получены заказы",
	fulfillment.OutdocOrdersDeficit:         "Заказы не обеспечены товарами",
	fulfillment.OutdocOrdersProductionStart: "Заказы переданы в производство",
	fulfillment.OutdocOrdersCancel:          "Заказы аннулированы",
	fulfillment.OutdocOrdersShipment:        "Заказы отгружены в службу доставки",
	fulfillment.OutdocOrdersShipmentRefusal: "Отказ службы доставки в приеме заказов",
}

// issueOrderOutdoc adds an unlocked outdoc of an order type under s.mu;
// body builds its body from the common part. indoc_id is set only on
// orders_receiving (fbox.md §5). Every order named gets the outdoc in its
// GET /orders/{id}/info.
func (s *Server) issueOrderOutdoc(outdocType, indocID string, recs []*orderRec, body func(fulfillment.OutdocCommon) any) int64 {
	s.nextID++
	id := s.nextID
	now := s.now()
	at := now.Time
	day := fulfillment.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, fulfillment.Moscow)}
	common := fulfillment.OutdocCommon{OutdocID: id, OutdocType: outdocType, OutdocTypeDescrip: orderOutdocNames[outdocType],
		OutdocDate: day, CreatedAt: now, IndocID: indocID}
	h := fulfillment.OutdocHeader{OutdocID: id, OutdocType: outdocType, OutdocTypeDescrip: common.OutdocTypeDescrip,
		OutdocDate: day, CreatedAt: now, IndocID: indocID}
	s.outdocs[id] = &outdoc{header: h, raw: body(common)}
	for _, rec := range recs {
		rec.outdocs = append(rec.outdocs, id)
	}
	s.push(id, outdocType, indocID)
	return id
}

// receivingOutdoc issues orders_receiving (#order_obr_desc 1).
func (s *Server) receivingOutdoc(indoc string, recs []*orderRec) int64 {
	type good struct {
		GoodID        string  `json:"good_id"`
		DeclaredValue float64 `json:"declared_value"`
		COD           float64 `json:"cod"`
	}
	type order struct {
		OrderID      string `json:"order_id"`
		OwnerdepID   int32  `json:"ownerdep_id,omitempty"`
		DeliveryID   int32  `json:"delivery_id"`
		DeliveryName string `json:"delivery_name"`
		Canceled     bool   `json:"canceled"`
		Goods        []good `json:"goods"`
	}
	var orders []order
	for _, rec := range recs {
		d, _ := s.ord.delivery(rec.order.DeliveryID, 0)
		o := order{OrderID: rec.order.OrderID, DeliveryID: d.DeliveryID, DeliveryName: d.DeliveryName}
		if rec.order.Control != nil {
			o.OwnerdepID = rec.order.Control.OwnerdepID
		}
		for _, g := range rec.order.Goods {
			o.Goods = append(o.Goods, good{g.GoodID, g.DeclaredValue, g.COD})
		}
		orders = append(orders, o)
	}
	return s.issueOrderOutdoc(fulfillment.OutdocOrdersReceiving, indoc, recs, func(c fulfillment.OutdocCommon) any {
		return map[string]any{"outdoc_type": fulfillment.OutdocOrdersReceiving, "common": c, "orders": orders}
	})
}

// cancelOutdoc cancels orders and issues their orders_cancel under s.mu
// (#order_obr_desc 3.1, #order_cancel_desc); the units they held go back.
func (s *Server) cancelOutdoc(recs []*orderRec, reason int32, descrip string) int64 {
	var orders []fulfillment.CancelledOrder
	for _, rec := range recs {
		rec.stage = StageCanceled
		rec.cancelRequested = false
		units := map[string]int32{}
		var goods []string
		for _, g := range rec.order.Goods {
			if units[g.GoodID] == 0 {
				goods = append(goods, g.GoodID)
			}
			units[g.GoodID]++
		}
		co := fulfillment.CancelledOrder{OrderID: rec.order.OrderID, Origin: rec.order.Origin,
			CancelReason: reason, CancelReasonDescrip: descrip}
		for _, g := range goods {
			co.Goods = append(co.Goods, fulfillment.CancelledGood{GoodID: g, CancelReason: reason,
				CancelReasonDescrip: descrip, Qnt: units[g]})
		}
		orders = append(orders, co)
	}
	id := s.issueOrderOutdoc(fulfillment.OutdocOrdersCancel, "", recs, func(c fulfillment.OutdocCommon) any {
		return fulfillment.OrdersCancel{OutdocType: fulfillment.OutdocOrdersCancel, Common: c, Orders: orders}
	})
	for _, rec := range recs {
		rec.cancelOutdoc = id
	}
	return id
}
