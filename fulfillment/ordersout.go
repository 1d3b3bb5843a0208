package fulfillment

import (
	"encoding/json"
	"fmt"
)

// Outdoc types of the order process (outdoc_type_en, #order_obr_desc).
const (
	OutdocOrdersReceiving       = "orders_receiving"        // optional, step 1
	OutdocOrdersProductionStart = "orders_production_start" // optional, step 2.1
	OutdocOrdersDeficit         = "orders_deficit"          // optional, step 2.2
	OutdocOrdersCancel          = "orders_cancel"           // step 3.1 and #order_cancel_desc
	OutdocOrdersPallet          = "orders_pallet"           // optional, step 4
	OutdocOrdersShipment        = "orders_shipment"         // step 5, changes stock
	OutdocOrdersShipmentRefusal = "orders_shipment_refusal" // step 6
)

// OrdersProductionStart is «Заказы переданы в производство»: the orders
// were covered by stock and went to picking (#order_obr_desc 2.1).
type OrdersProductionStart struct {
	OutdocType string       `json:"outdoc_type"`
	Common     OutdocCommon `json:"common"`
	OrderIDs   []string     `json:"order_ids"`
}

// OrdersDeficit is «Заказы не обеспечены товарами» (#order_obr_desc 2.2):
// the orders stay in the pool and are retried every 5 minutes.
type OrdersDeficit struct {
	OutdocType string         `json:"outdoc_type"`
	Common     OutdocCommon   `json:"common"`
	Orders     []DeficitOrder `json:"orders"`
}

// DeficitOrder is an order the stock does not cover, with what is missing.
type DeficitOrder struct {
	OrderID      string        `json:"order_id"`
	ErrorCode    int32         `json:"error_code"`
	ErrorDescrip string        `json:"error_descrip"`
	Goods        []DeficitGood `json:"goods"`
}

// DeficitGood is a good of a deficit order; Qnt is the units concerned
// (the spec titles it «Количество товаров» without saying whether it is
// the shortfall or the ordered units: skladflow reads it as the shortfall).
type DeficitGood struct {
	GoodID       string `json:"good_id"`
	ErrorCode    int32  `json:"error_code"`
	ErrorDescrip string `json:"error_descrip"`
	Qnt          int32  `json:"qnt"`
}

// OrdersCancel is «Заказы аннулированы»: refused by the delivery service
// (#order_obr_desc 3.1) or cancelled on our request (#order_cancel_desc).
type OrdersCancel struct {
	OutdocType string           `json:"outdoc_type"`
	Common     OutdocCommon     `json:"common"`
	Orders     []CancelledOrder `json:"orders"`
}

// CancelledOrder is a cancelled order with the reason.
type CancelledOrder struct {
	OrderID             string          `json:"order_id"`
	Origin              string          `json:"origin,omitempty"`
	CancelReason        int32           `json:"cancel_reason"`
	CancelReasonDescrip string          `json:"cancel_reason_descrip"`
	Goods               []CancelledGood `json:"goods,omitempty"`
}

// CancelledGood is a cancelled line with its own reason.
type CancelledGood struct {
	GoodID              string `json:"good_id"`
	CancelReason        int32  `json:"cancel_reason"`
	CancelReasonDescrip string `json:"cancel_reason_descrip"`
	Qnt                 int32  `json:"qnt"`
}

// OrdersShipment is «Заказы отгружены в службу доставки» (#order_obr_desc
// 5): one document for many orders handed to one delivery service.
type OrdersShipment struct {
	OutdocType   string         `json:"outdoc_type"`
	Common       OutdocCommon   `json:"common"`
	DeliveryID   int32          `json:"delivery_id"`
	DeliveryName string         `json:"delivery_name"`
	Orders       []ShippedOrder `json:"orders"`
}

// ShippedOrder is a parcel as it left (schema order_out). Goods lists
// every unit packed, one entry per unit: a unit not shipped is a unit
// missing from Goods.
type ShippedOrder struct {
	OrderID        string        `json:"order_id"`
	Origin         string        `json:"origin,omitempty"`
	Barcode        string        `json:"barcode"`
	DispatchNumber string        `json:"dispatch_number,omitempty"`
	DeclaredValue  float64       `json:"declared_value"`
	COD            float64       `json:"cod"`
	PltID          int32         `json:"plt_id"`
	PltBar         string        `json:"plt_bar"`
	Weight         int32         `json:"weight"`
	UnitQnt        int32         `json:"unit_qnt"`
	Units          []ShippedUnit `json:"units,omitempty"`
	Goods          []ShippedGood `json:"goods"`
}

// ShippedUnit is a place (box) of a multi-place parcel.
type ShippedUnit struct {
	UnitNum int32  `json:"unit_num"`
	Barcode string `json:"barcode"`
	Weight  int32  `json:"weight,omitempty"`
}

// ShippedGood is one unit packed into a parcel.
type ShippedGood struct {
	UnitNum       int32   `json:"unit_num"`
	GoodID        string  `json:"good_id"`
	GoodName      string  `json:"good_name"`
	GoodType      string  `json:"good_type"`
	GoodSN        string  `json:"good_sn,omitempty"`
	GoodSN0       string  `json:"good_sn0,omitempty"`
	ExpiryDate    *Date   `json:"expiry_date,omitempty"`
	DeclaredValue float64 `json:"declared_value"`
	COD           float64 `json:"cod"`
}

// Track is the parcel's tracking number: dispatch_number when the delivery
// service gave one, else the parcel barcode.
func (o ShippedOrder) Track() string {
	if o.DispatchNumber != "" {
		return o.DispatchNumber
	}
	return o.Barcode
}

// Shipped counts the units shipped per good_id.
func (o ShippedOrder) Shipped() map[string]int32 {
	n := map[string]int32{}
	for _, g := range o.Goods {
		n[g.GoodID]++
	}
	return n
}

// OrdersShipmentRefusal is «Отказ службы доставки в приеме заказов»
// (#order_obr_desc 6): the delivery service gave back orders of an
// orders_shipment the customer had already locked; they are back at
// picking (step 4).
type OrdersShipmentRefusal struct {
	OutdocType             string         `json:"outdoc_type"`
	Common                 OutdocCommon   `json:"common"`
	OrdersShipmentOutdocID int64          `json:"orders_shipment_outdoc_id"`
	Orders                 []RefusedOrder `json:"orders"`
}

// RefusedOrder is an order the delivery service did not accept.
type RefusedOrder struct {
	OrderID              string `json:"order_id"`
	Barcode              string `json:"barcode"`
	PltID                int32  `json:"plt_id"`
	OrdersPalletOutdocID int64  `json:"orders_pallet_outdoc_id,omitempty"`
}

// ParseOrdersProductionStart reads an orders_production_start body.
func ParseOrdersProductionStart(b []byte) (*OrdersProductionStart, error) {
	var d OrdersProductionStart
	return &d, parseOutdoc(b, &d, &d.OutdocType, OutdocOrdersProductionStart)
}

// ParseOrdersDeficit reads an orders_deficit body.
func ParseOrdersDeficit(b []byte) (*OrdersDeficit, error) {
	var d OrdersDeficit
	return &d, parseOutdoc(b, &d, &d.OutdocType, OutdocOrdersDeficit)
}

// ParseOrdersCancel reads an orders_cancel body.
func ParseOrdersCancel(b []byte) (*OrdersCancel, error) {
	var d OrdersCancel
	return &d, parseOutdoc(b, &d, &d.OutdocType, OutdocOrdersCancel)
}

// ParseOrdersShipment reads an orders_shipment body.
func ParseOrdersShipment(b []byte) (*OrdersShipment, error) {
	var d OrdersShipment
	return &d, parseOutdoc(b, &d, &d.OutdocType, OutdocOrdersShipment)
}

// ParseOrdersShipmentRefusal reads an orders_shipment_refusal body.
func ParseOrdersShipmentRefusal(b []byte) (*OrdersShipmentRefusal, error) {
	var d OrdersShipmentRefusal
	return &d, parseOutdoc(b, &d, &d.OutdocType, OutdocOrdersShipmentRefusal)
}

// parseOutdoc decodes b into v and checks its outdoc_type is want (an
// absent type is taken on trust: the caller chose the parser by the list).
func parseOutdoc(b []byte, v any, got *string, want string) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("fulfillment: %s: %w", want, err)
	}
	if *got != "" && *got != want {
		return fmt.Errorf("fulfillment: outdoc_type %q is not %s", *got, want)
	}
	return nil
}
