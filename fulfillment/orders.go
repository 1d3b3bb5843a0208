package fulfillment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Orders is the B2C half of the warehouse (#orders_desc): parcels picked
// from the warehouse's stock and handed to a delivery service. The FBox
// client implements it.
type Orders interface {
	// CreateOrders sends orders with POST /orders. An order_id the
	// warehouse already holds (not cancelled) answers an error matching
	// ErrDuplicate.
	CreateOrders(ctx context.Context, orders ...Order) error
	// CancelOrders asks the warehouse to cancel orders (#order_cancel_desc);
	// the answer has one entry per order_id with its State.
	CancelOrders(ctx context.Context, orderIDs ...string) ([]OrderCancel, error)
	// OrderInfo reads an order back; an unknown order answers an error
	// matching ErrNotFound.
	OrderInfo(ctx context.Context, orderID string) (*OrderInfo, error)
	// Settings reads the account settings: delivery services, optional
	// outdoc types.
	Settings(ctx context.Context) (*Settings, error)
	// EnableOutdocTypes turns optional outdoc types on (POST /settings).
	EnableOutdocTypes(ctx context.Context, types ...string) error
}

var _ Orders = (*Client)(nil)

// States of POST /orders/cancel (#order_cancel_desc).
const (
	// OrderCanceled: cancelled at once (picking had not started); an
	// orders_cancel outdoc exists, its id in CancelOutdocID.
	OrderCanceled = "order_canceled"
	// OrderCancellationRequested: the order is being picked; it is cancelled
	// when it reaches the pallet (an orders_cancel follows) — or it was
	// already shipped and the warehouse asked the delivery service to bring
	// it back (no orders_cancel ever comes).
	OrderCancellationRequested = "order_cancellation_requested"
	// OrderNotFound: the warehouse has no such order.
	OrderNotFound = "order_not_found"
)

// ErrOrder is a request the client refuses to send because the spec makes
// it invalid (schema order); FBox would refuse it too.
var ErrOrder = errors.New("fulfillment: invalid order")

// VAT rates of an order line (schema order.goods.vat_rate), beside
// VATNone. FBox assumes VAT22 when vat_rate is absent.
const (
	VAT0  = 0
	VAT10 = 10
	VAT20 = 20
	VAT22 = 22
)

// Order is one parcel order (schema order, #order_struct_desc). Only
// order_id and delivery_id are required by the schema; what else a
// delivery service needs is agreed with the warehouse (#delivery_desc).
// The consolidation, forwarding, files and devXXX sections are not used by
// skladflow and not modelled.
type Order struct {
	OrderID string `json:"order_id"`
	// Origin is only filled with values agreed with the warehouse.
	Origin     string `json:"origin,omitempty"`
	DeliveryID int32  `json:"delivery_id"`
	// DeclaredValue and COD of the whole order: FBox sums the lines when
	// Goods are given, so they are left nil then.
	DeclaredValue *float64 `json:"declared_value,omitempty"`
	COD           *float64 `json:"cod,omitempty"`
	// Goods: one unit per line («Кол-во экземпляров в позиции заказа всегда
	// равно 1»): a position of q units is q lines.
	Goods    []OrderGood    `json:"goods,omitempty"`
	Delivery *OrderDelivery `json:"delivery,omitempty"`
	Client   *OrderClient   `json:"client,omitempty"`
	Address  *OrderAddress  `json:"address,omitempty"`
	Control  *OrderControl  `json:"control,omitempty"`
}

// OrderGood is one unit of a good in an order (schema order.goods). It has
// no quantity and no good_type: the good's type is its catalogue card's.
type OrderGood struct {
	GoodID        string  `json:"good_id"`
	DeclaredValue float64 `json:"declared_value"` // of this unit
	COD           float64 `json:"cod"`            // cash on delivery for this unit, 0 when prepaid
	// VATRate is one of VATNone, VAT0, VAT10, VAT20, VAT22; nil: VAT22.
	VATRate   *int     `json:"vat_rate,omitempty"`
	VATAmount *float64 `json:"vat_amount,omitempty"`
	// Perso: personalisation data (#order_perso_desc), sent as it is.
	Perso any `json:"perso,omitempty"`
	// OpisPrice and EbirkaPrice default to DeclaredValue at the warehouse.
	OpisPrice   *float64 `json:"opis_price,omitempty"`
	EbirkaPrice *float64 `json:"ebirka_price,omitempty"`
}

// OrderDelivery is the universal delivery section (schema order.delivery).
type OrderDelivery struct {
	// Barcode on the address label; only by agreement (a label file).
	Barcode string `json:"barcode,omitempty"`
	// PickpointID is the pickup point in the delivery service's system;
	// then the address is usually not needed.
	PickpointID   string         `json:"pickpoint_id,omitempty"`
	Memo          string         `json:"memo,omitempty"`
	ShippingPrice *ShippingPrice `json:"shipping_price,omitempty"`
	PartDeliv     bool           `json:"part_deliv,omitempty"`
	Primerka      bool           `json:"primerka,omitempty"`
	CanOpen       bool           `json:"can_open,omitempty"`
	NoReturn      bool           `json:"no_return,omitempty"`
	Date          string         `json:"date,omitempty"`
	Time          string         `json:"time,omitempty"`
	TimeEnd       string         `json:"timeend,omitempty"`
}

// ShippingPrice is what the recipient pays for delivery
// (order.delivery.shipping_price; price and ret_price required).
type ShippingPrice struct {
	Price    float64 `json:"price"`
	RetPrice float64 `json:"ret_price"`
	VAT      *int    `json:"vat,omitempty"`
}

// OrderClient is the recipient (schema order.client).
type OrderClient struct {
	Name   string `json:"name,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Phone2 string `json:"phone2,omitempty"`
	Email  string `json:"email,omitempty"`
}

// OrderAddress is the delivery address (schema order.address). House
// carries house, building and flat.
type OrderAddress struct {
	Zip    string `json:"zip,omitempty"`
	FIAS   string `json:"fias,omitempty"`
	Region string `json:"region,omitempty"`
	Area   string `json:"area,omitempty"`
	City   string `json:"city,omitempty"`
	Street string `json:"street,omitempty"`
	House  string `json:"house,omitempty"`
}

// OrderControl is technical information for the warehouse (schema
// order.control).
type OrderControl struct {
	// OwnerdepID is the shop (customer department, #ownerdep_desc) whose
	// delivery contracts handle the order; Settings lists them.
	OwnerdepID     int32 `json:"ownerdep_id,omitempty"`
	ToDeliveryDate *Date `json:"to_delivery_date,omitempty"`
	// IsFakeOrder reserves goods without production; by agreement only.
	IsFakeOrder    bool   `json:"is_fake_order,omitempty"`
	SplitPallet    string `json:"split_pallet,omitempty"`
	PermittedPacks string `json:"permitted_packs,omitempty"`
	PackWarning    string `json:"pack_warning,omitempty"`
	PltWarning     string `json:"plt_warning,omitempty"`
}

// Validate checks what the schema requires of an order that carries goods
// (skladflow never sends consolidation or forwarding orders).
func (o Order) Validate() error {
	switch {
	case o.OrderID == "":
		return fmt.Errorf("%w: order_id is empty", ErrOrder)
	case utf8.RuneCountInString(o.OrderID) > 255:
		return fmt.Errorf("%w: order_id %.40s… is longer than 255", ErrOrder, o.OrderID)
	case o.DeliveryID == 0:
		return fmt.Errorf("%w: order %s has no delivery_id", ErrOrder, o.OrderID)
	case len(o.Goods) == 0:
		return fmt.Errorf("%w: order %s has no goods", ErrOrder, o.OrderID)
	}
	for i, g := range o.Goods {
		switch {
		case g.GoodID == "":
			return fmt.Errorf("%w: order %s goods[%d] has no good_id", ErrOrder, o.OrderID, i)
		case g.DeclaredValue < 0 || g.COD < 0:
			return fmt.Errorf("%w: order %s goods[%d] (%s) has a negative declared_value or cod", ErrOrder, o.OrderID, i, g.GoodID)
		case g.VATRate != nil && !validVAT(*g.VATRate):
			return fmt.Errorf("%w: order %s goods[%d] (%s) has vat_rate %d", ErrOrder, o.OrderID, i, g.GoodID, *g.VATRate)
		}
	}
	return nil
}

func validVAT(r int) bool {
	switch r {
	case VATNone, VAT0, VAT10, VAT20, VAT22:
		return true
	}
	return false
}

// OrderCancel is one order's answer to POST /orders/cancel.
type OrderCancel struct {
	OrderID string `json:"order_id"`
	State   string `json:"state"` // OrderCanceled, OrderCancellationRequested, OrderNotFound
	// CancelOutdocID is the orders_cancel outdoc, set for OrderCanceled only.
	CancelOutdocID int64 `json:"cancel_outdoc_id,omitempty"`
}

// OrderInfo is an order as GET /orders/{order_id}/info reports it.
type OrderInfo struct {
	OrderID      string `json:"order_id"`
	CreatedAt    Date   `json:"created_at"`
	IndocID      string `json:"indoc_id"` // the orders_shipment_task that carried it
	Origin       string `json:"origin,omitempty"`
	DeliveryID   int32  `json:"delivery_id"`
	DeliveryName string `json:"delivery_name"`
	Canceled     bool   `json:"canceled"`
	// Goods: one entry per unit, as sent.
	Goods   []OrderInfoGood `json:"goods,omitempty"`
	Outdocs []OrderOutdoc   `json:"outdocs,omitempty"`
	Events  []OrderEvent    `json:"events,omitempty"`
}

// OrderInfoGood is one unit of an order as the warehouse holds it.
type OrderInfoGood struct {
	GoodID        string  `json:"good_id"`
	GoodType      string  `json:"good_type"`
	GoodName      string  `json:"good_name"`
	DeclaredValue float64 `json:"declared_value"`
	COD           float64 `json:"cod"`
}

// OrderOutdoc is an outgoing document that concerns the order.
type OrderOutdoc struct {
	OutdocID          int64  `json:"outdoc_id"`
	OutdocType        string `json:"outdoc_type"`
	OutdocTypeDescrip string `json:"outdoc_type_descrip"`
	OutdocDate        Date   `json:"outdoc_date"`
	CreatedAt         Date   `json:"created_at"`
	Locked            bool   `json:"locked"`
}

// OrderEvent is an event of the order's life at the warehouse.
type OrderEvent struct {
	EventID   int64  `json:"event_id"`
	EventDate Date   `json:"event_date"`
	EventType int32  `json:"event_type"`
	Descrip   string `json:"descrip"`
}

// Has says whether an outdoc of type outdocType concerns the order.
func (i *OrderInfo) Has(outdocType string) bool {
	for _, o := range i.Outdocs {
		if o.OutdocType == outdocType {
			return true
		}
	}
	return false
}

// CreateOrders sends orders with POST /orders, after checking them against
// the schema. FBox applies a request whole or refuses it whole
// (#error_desc), so a refusal names no order in particular. A call whose
// answer was lost is repeated by the client, and the repeat of an applied
// request answers an error matching ErrDuplicate: read the order back
// (OrderInfo, OrderJSON) to tell it from another order with that number.
func (c *Client) CreateOrders(ctx context.Context, orders ...Order) error {
	if len(orders) == 0 {
		return nil
	}
	for _, o := range orders {
		if err := o.Validate(); err != nil {
			return err
		}
	}
	body := struct {
		Orders []Order `json:"orders"`
	}{orders}
	return c.do(ctx, http.MethodPost, "/orders", body, nil)
}

// CancelOrders sends POST /orders/cancel.
func (c *Client) CancelOrders(ctx context.Context, orderIDs ...string) ([]OrderCancel, error) {
	if len(orderIDs) == 0 {
		return nil, nil
	}
	var out struct {
		Orders []OrderCancel `json:"orders"`
	}
	body := struct {
		OrderIDs []string `json:"order_ids"`
	}{orderIDs}
	if err := c.do(ctx, http.MethodPost, "/orders/cancel", body, &out); err != nil {
		return nil, err
	}
	return out.Orders, nil
}

// OrderInfo reads GET /orders/{order_id}/info. The spec does not say how
// an unknown order is answered: a 404 matches ErrNotFound by itself, and a
// business error 1000 saying «не найден» is made to match it too.
func (c *Client) OrderInfo(ctx context.Context, orderID string) (*OrderInfo, error) {
	var out struct {
		Order OrderInfo `json:"order"`
	}
	if err := c.do(ctx, http.MethodGet, "/orders/"+url.PathEscape(orderID)+"/info", nil, &out); err != nil {
		var fe *Error
		if errors.As(err, &fe) && fe.Code == CodeUnclassified && strings.Contains(strings.ToLower(fe.Message), "не найден") {
			return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return nil, err
	}
	return &out.Order, nil
}

// OrderJSON reads the order back as the warehouse received it
// (GET /orders/{order_id}/json).
func (c *Client) OrderJSON(ctx context.Context, orderID string) (*Order, error) {
	var out struct {
		Order Order `json:"order"`
	}
	if err := c.do(ctx, http.MethodGet, "/orders/"+url.PathEscape(orderID)+"/json", nil, &out); err != nil {
		return nil, err
	}
	return &out.Order, nil
}
