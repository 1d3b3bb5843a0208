package fboxtest

import (
	"encoding/json"
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
)

// Returns of shipped orders (#order_ret_desc): the warehouse issues them
// on its own, with no task (fbox.md §5). They are not checked against the
// orders the emulator shipped: a real warehouse also returns orders
// shipped before the integration existed, and more than was shipped.

// ReturnLine is one good of a returned order: Stock units taken into
// stock; Quarantine (full returns only) units shipped in the order but
// missing from the returned parcel; SN the unit's serial number, if any.
type ReturnLine struct {
	GoodID     string
	Defective  bool
	Stock      int32
	Quarantine int32
	SN         string
}

// ClientReturn is one parcel a buyer sent back (schema
// orders_client_return: return_barcode is required, the order only when
// the warehouse could tell).
type ClientReturn struct {
	ReturnBarcode, ParcelBarcode, OrderID string
	Lines                                 []ReturnLine
}

// FullReturn issues an orders_full_return: the delivery service brought
// the sealed parcel back (#order_ret_desc 1); reason is ret_reason.
func (s *Server) FullReturn(orderID string, reason int32, reasonDescrip string, lines ...ReturnLine) (int64, error) {
	return s.issueReturn(fulfillment.OutdocOrdersFullReturn, fulfillment.ReturnedOrder{OrderID: orderID,
		RetReason: reason, RetReasonDescrip: reasonDescrip, Goods: returned(lines)})
}

// PartReturn issues an orders_part_return: the parcel came back opened
// (#order_ret_desc 2); the same order may come back in several of them.
// Quarantine must be 0: the schema has no quarantine_qnt here.
func (s *Server) PartReturn(orderID string, lines ...ReturnLine) (int64, error) {
	return s.issueReturn(fulfillment.OutdocOrdersPartReturn, fulfillment.ReturnedOrder{OrderID: orderID, Goods: returned(lines)})
}

// ClientReturns issues one orders_client_return for several parcels
// (#order_ret_desc 3). Quarantine must be 0.
func (s *Server) ClientReturns(rets ...ClientReturn) (int64, error) {
	var orders []fulfillment.ReturnedOrder
	for _, r := range rets {
		orders = append(orders, fulfillment.ReturnedOrder{ReturnBarcode: r.ReturnBarcode, ParcelBarcode: r.ParcelBarcode,
			OrderID: r.OrderID, Goods: returned(r.Lines)})
	}
	return s.issueReturn(fulfillment.OutdocOrdersClientReturn, orders...)
}

func (s *Server) issueReturn(typ string, orders ...fulfillment.ReturnedOrder) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueStockDoc(returnDoc{fulfillment.OrdersReturn{OutdocType: typ, Orders: orders}})
}

func returned(lines []ReturnLine) []fulfillment.ReturnedGood {
	goods := []fulfillment.ReturnedGood{}
	for _, l := range lines {
		goods = append(goods, fulfillment.ReturnedGood{GoodID: l.GoodID, QualType: qualOf(l.Defective), GoodSN: l.SN,
			StockQnt: l.Stock, QuarantineQnt: l.Quarantine})
	}
	return goods
}

// returnDoc is the body of any of the three returns.
type returnDoc struct{ fulfillment.OrdersReturn }

func (d returnDoc) outdocType() string { return d.OutdocType }

func (d returnDoc) withCommon(c fulfillment.OutdocCommon) stockBody {
	d.Common = c
	return d
}

func (d returnDoc) edit() (stockBody, any) {
	next := returnDoc{deepCopy(d.OrdersReturn)}
	return &next, &next.OrdersReturn
}

// moves: stock_qnt goes to stock, and in a full return quarantine_qnt to
// quarantine (#good_state_desc, orders_full_return.quarantine_qnt: units
// shipped but not in the returned parcel).
func (d returnDoc) moves() []fulfillment.GoodMove {
	var out []fulfillment.GoodMove
	for _, o := range d.Orders {
		for _, g := range o.Goods {
			if g.StockQnt != 0 {
				out = append(out, fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateStock, QualType: g.QualType, Qnt: g.StockQnt})
			}
			if g.QuarantineQnt != 0 {
				out = append(out, fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateQuarantine, QualType: g.QualType, Qnt: g.QuarantineQnt})
			}
		}
	}
	return out
}

// serials are the units with a serial number taken into stock: they
// arrive (GET /outdocs/{id}/good_sn, inout 1) with their order.
func (d returnDoc) serials() []fulfillment.SerialMove {
	var out []fulfillment.SerialMove
	for _, o := range d.Orders {
		for _, g := range o.Goods {
			if g.GoodSN != "" && g.StockQnt > 0 {
				out = append(out, fulfillment.SerialMove{GoodID: g.GoodID, QualType: g.QualType, GoodSN: g.GoodSN,
					GoodSN0: g.GoodSN0, InOut: fulfillment.SerialIn, OrderID: o.OrderID})
			}
		}
	}
	return out
}

// check applies the schemas: orders_full_return and orders_part_return
// require order_id, orders_client_return return_barcode; part and client
// returns require goods; every good needs good_id, qual_type and
// stock_qnt. A return brings units back, so no quantity is negative and a
// line brings something.
func (d returnDoc) check(s *Server, _ int64) error {
	if len(d.Orders) == 0 {
		return fmt.Errorf("fboxtest: %s: no orders", d.OutdocType)
	}
	for i, o := range d.Orders {
		switch {
		case d.OutdocType == fulfillment.OutdocOrdersClientReturn && o.ReturnBarcode == "":
			return fmt.Errorf("fboxtest: %s: orders[%d]: return_barcode is required", d.OutdocType, i)
		case d.OutdocType != fulfillment.OutdocOrdersClientReturn && o.OrderID == "":
			return fmt.Errorf("fboxtest: %s: orders[%d]: order_id is required", d.OutdocType, i)
		case len(o.Goods) == 0:
			return fmt.Errorf("fboxtest: %s: orders[%d]: no goods", d.OutdocType, i)
		}
		for _, g := range o.Goods {
			if err := s.checkGood(g.GoodID, g.QualType); err != nil {
				return err
			}
			switch {
			case g.StockQnt < 0 || g.QuarantineQnt < 0:
				return fmt.Errorf("fboxtest: %s: good %s: a return takes nothing away", d.OutdocType, g.GoodID)
			case g.QuarantineQnt != 0 && d.OutdocType != fulfillment.OutdocOrdersFullReturn:
				return fmt.Errorf("fboxtest: %s: good %s: quarantine_qnt is only in a full return", d.OutdocType, g.GoodID)
			case g.StockQnt+g.QuarantineQnt == 0:
				return fmt.Errorf("fboxtest: %s: good %s: the line returns nothing", d.OutdocType, g.GoodID)
			}
		}
	}
	return nil
}

// MarshalJSON writes quarantine_qnt in every good of a full return, where
// the schema requires it even at 0 (orders_full_return.goods.required).
func (d returnDoc) MarshalJSON() ([]byte, error) {
	if d.OutdocType != fulfillment.OutdocOrdersFullReturn {
		return json.Marshal(d.OrdersReturn)
	}
	type good struct {
		fulfillment.ReturnedGood
		QuarantineQnt int32 `json:"quarantine_qnt"`
	}
	type order struct {
		fulfillment.ReturnedOrder
		Goods []good `json:"goods"`
	}
	body := struct {
		fulfillment.OrdersReturn
		Orders []order `json:"orders"`
	}{OrdersReturn: d.OrdersReturn}
	for _, o := range d.Orders {
		out := order{ReturnedOrder: o, Goods: []good{}}
		for _, g := range o.Goods {
			out.Goods = append(out.Goods, good{g, g.QuarantineQnt})
		}
		body.Orders = append(body.Orders, out)
	}
	return json.Marshal(body)
}
