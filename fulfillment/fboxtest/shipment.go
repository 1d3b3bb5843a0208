package fboxtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/skladflow/skladflow/fulfillment"
)

// Stages of a shipment task at the warehouse (#goods_shipment_desc,
// «Стандартный процесс»): created, picking started (goods_shipment_start),
// picked and boxed (goods_shipment_ready), shipped (goods_shipment).
const (
	ShipStageNew     = "new"
	ShipStagePicking = "picking"
	ShipStageReady   = "ready"
	ShipStageShipped = "shipped"
)

// shipments holds the shipment tasks; it lives under Server.mu.
type shipments struct {
	tasks     map[string]*shipTask
	nextBox   int32
	fromStock bool // PickFromStock: pick no more than the stock holds
}

type shipTask struct {
	task  fulfillment.ShipmentTask
	stage string
}

// shipState is the shipment state, made on first use; under s.mu.
func (s *Server) shipState() *shipments {
	if s.ship == nil {
		s.ship = &shipments{tasks: map[string]*shipTask{}}
	}
	return s.ship
}

// shipmentTaskReq is goods_shipment_task as sent, with pointers where the
// schema requires a field, so a missing one is told from a zero.
type shipmentTaskReq struct {
	IndocType   string  `json:"indoc_type"`
	IndocID     *string `json:"indoc_id"`
	QualType    *string `json:"qual_type"`
	PickingOnly bool    `json:"picking_only"`
	IndocTxt    string  `json:"indoc_txt"`
	Attributes  []struct {
		AttributeID *int `json:"attribute_id"`
		Value       any  `json:"value"`
	} `json:"attributes"`
	Items *[]struct {
		GoodID    *string  `json:"good_id"`
		PlanQnt   *int32   `json:"plan_qnt"`
		SNMandant *bool    `json:"sn_mandant"`
		Price     *float64 `json:"price"`
	} `json:"items"`
}

// createShipmentTask is POST /indocs with indoc_type goods_shipment_task;
// it runs under s.mu. The number is unique across every incoming type
// (#indoc_id_desc, fbox.md §9): a number taken by any task answers 1001.
func (s *Server) createShipmentTask(w http.ResponseWriter, body []byte) {
	var q shipmentTaskReq
	if err := json.Unmarshal(body, &q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	if q.IndocID != nil && *q.IndocID != "" {
		s.creates[*q.IndocID]++
	}
	t, msg := s.validateShipment(q)
	if msg != "" {
		s.business(w, fulfillment.CodeUnclassified, msg)
		return
	}
	st := s.shipState()
	_, supply := s.tasks[t.IndocID]
	if _, dup := st.tasks[t.IndocID]; dup || supply {
		s.business(w, fulfillment.CodeDuplicate, fmt.Sprintf("Входящий документ с номером %s уже зарегистрирован", t.IndocID))
		return
	}
	st.tasks[t.IndocID] = &shipTask{task: t, stage: ShipStageNew}
	ok(w, nil)
}

// validateShipment applies schema goods_shipment_task: indoc_id and items
// required, items[].good_id and plan_qnt required, maxLength 255 for
// indoc_id, indoc_txt and good_id, qual_type from qual_type_en, attributes
// with attribute_id and value; and #goods_shipment_desc step 1: every good
// must be registered (a shipment task, unlike a supply task, registers
// nothing inline). It runs under s.mu.
func (s *Server) validateShipment(q shipmentTaskReq) (fulfillment.ShipmentTask, string) {
	t := fulfillment.ShipmentTask{IndocType: q.IndocType, PickingOnly: q.PickingOnly, IndocTxt: q.IndocTxt}
	switch {
	case q.IndocID == nil || *q.IndocID == "" || utf8.RuneCountInString(*q.IndocID) > 255:
		return t, "Номер документа (indoc_id) должен содержать от 1 до 255 символов"
	case utf8.RuneCountInString(q.IndocTxt) > 255:
		return t, "Примечание к документу (indoc_txt) длиннее 255 символов"
	case q.QualType != nil && *q.QualType != fulfillment.QualUseful && *q.QualType != fulfillment.QualDefective:
		return t, fmt.Sprintf("Неизвестное качество товара qual_type %q", *q.QualType)
	case q.Items == nil || len(*q.Items) == 0:
		return t, "Документ не содержит товаров (items)"
	}
	t.IndocID = *q.IndocID
	if q.QualType != nil {
		t.QualType = *q.QualType
	}
	for i, a := range q.Attributes {
		if a.AttributeID == nil || a.Value == nil {
			return t, fmt.Sprintf("attributes[%d]: не заполнен attribute_id или value", i)
		}
		t.Attributes = append(t.Attributes, fulfillment.Attribute{AttributeID: *a.AttributeID, Value: a.Value})
	}
	for i, it := range *q.Items {
		switch {
		case it.GoodID == nil || *it.GoodID == "":
			return t, fmt.Sprintf("items[%d]: не заполнен good_id", i)
		case utf8.RuneCountInString(*it.GoodID) > 255:
			return t, fmt.Sprintf("items[%d]: good_id длиннее 255 символов", i)
		case it.PlanQnt == nil:
			return t, fmt.Sprintf("items[%d]: не заполнен plan_qnt", i)
		case *it.PlanQnt <= 0:
			return t, fmt.Sprintf("items[%d]: plan_qnt должен быть больше 0", i)
		case !s.cat.has(*it.GoodID):
			return t, fmt.Sprintf("Товар %s не зарегистрирован", *it.GoodID)
		}
		item := fulfillment.ShipmentItem{GoodID: *it.GoodID, PlanQnt: *it.PlanQnt, SNMandant: it.SNMandant}
		if it.Price != nil {
			item.Price = *it.Price
		}
		t.Items = append(t.Items, item)
	}
	return t, ""
}

// shipmentIndoc answers GET /indocs/{id}/json for a shipment task; false
// when the number is not a shipment task. It runs under s.mu.
func (s *Server) shipmentIndoc(id string) (fulfillment.ShipmentTask, bool) {
	t, found := s.shipState().tasks[id]
	if !found {
		return fulfillment.ShipmentTask{}, false
	}
	return t.task, true
}

// deleteShipmentTask is DELETE /indocs/{id} for a shipment task; false when
// the number is not one. #goods_shipment_desc «Замечания»: the customer may
// delete the task only before picking starts; after that the warehouse
// refuses (code 1000, #error_dict: no code of its own). Runs under s.mu.
func (s *Server) deleteShipmentTask(w http.ResponseWriter, id string) bool {
	st := s.shipState()
	t, found := st.tasks[id]
	if !found {
		return false
	}
	if t.stage != ShipStageNew {
		s.business(w, fulfillment.CodeUnclassified, fmt.Sprintf("Документ %s нельзя удалить: начат подбор товаров", id))
		return true
	}
	delete(st.tasks, id)
	ok(w, nil)
	return true
}

// getOutdocGoods answers GET /outdocs/{outdoc_id}/goods: the stock movement
// of a document (#good_move_desc). Only the documents of
// #doc_stocker_desc move stock; the others answer an empty list.
func (s *Server) getOutdocGoods(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 32) // outdoc_id is int32
	if err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Неверный номер документа")
		return
	}
	s.mu.Lock()
	o, found := s.outdocs[id]
	var moves []fulfillment.GoodMove
	if found {
		moves = s.movesOf(o)
	}
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Документ не найден")
		return
	}
	ok(w, map[string]any{"goods": append([]fulfillment.GoodMove{}, moves...)})
}

// movesOf is what an outdoc did to stock (#doc_stocker_desc): a receipt
// the units it brought, useful and defective apart; an orders_shipment
// one unit per unit still shipped in it (orders the delivery service gave
// back are excluded from it, #order_obr_desc 6, even while its body, once
// locked, still lists them); any other document its recorded moves (nil
// for documents that move nothing). Under s.mu.
func (s *Server) movesOf(o *outdoc) []fulfillment.GoodMove {
	switch {
	case o.moves != nil:
		return o.moves
	case o.header.OutdocType == fulfillment.OutdocSupply:
		var out []fulfillment.GoodMove
		for _, g := range o.body.Goods {
			if g.UsefulQnt != 0 {
				out = append(out, fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualUseful, Qnt: g.UsefulQnt})
			}
			if g.DefectiveQnt != 0 {
				out = append(out, fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualDefective, Qnt: g.DefectiveQnt})
			}
		}
		return out
	case o.header.OutdocType == fulfillment.OutdocOrdersShipment:
		return s.ordersShipmentMoves(o)
	}
	return nil
}

// ordersShipmentMoves takes one useful unit from stock per unit packed in
// the orders an orders_shipment still carries (order_out.goods lists every
// unit, orders ship normal goods); under s.mu.
func (s *Server) ordersShipmentMoves(o *outdoc) []fulfillment.GoodMove {
	body, _ := o.raw.(fulfillment.OrdersShipment)
	units := map[string]int32{}
	var goods []string
	for _, so := range body.Orders {
		rec, found := s.ord.orders[so.OrderID]
		if !found || rec.stage != StageShipped || rec.shipment != o.header.OutdocID {
			continue
		}
		for _, g := range rec.shipped {
			if units[g.GoodID] == 0 {
				goods = append(goods, g.GoodID)
			}
			units[g.GoodID]++
		}
	}
	var out []fulfillment.GoodMove
	for _, g := range goods {
		out = append(out, fulfillment.GoodMove{GoodID: g, GoodState: fulfillment.GoodStateStock, QualType: fulfillment.QualUseful, Qnt: -units[g]})
	}
	return out
}
