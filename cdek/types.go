package cdek

import "slices"

// Order types.
const (
	TypeEShop    = 1 // «интернет-магазин»: needs an e-shop contract
	TypeDelivery = 2 // «доставка»: any contract
)

// Request types: every request made on an order is listed on it with its
// own state (cdek.md §2).
const (
	RequestCreate        = "CREATE"
	RequestUpdate        = "UPDATE"
	RequestDelete        = "DELETE"
	RequestCreateRefusal = "CREATE_REFUSAL"
)

// Request states.
const (
	StateAccepted   = "ACCEPTED"
	StateWaiting    = "WAITING"
	StateSuccessful = "SUCCESSFUL"
	StateInvalid    = "INVALID"
)

// Order is the body of POST /v2/orders.
type Order struct {
	Type          int       `json:"type,omitempty"`
	Number        string    `json:"number,omitempty"`
	TariffCode    int       `json:"tariff_code"`
	Comment       string    `json:"comment,omitempty"`
	ShipmentPoint string    `json:"shipment_point,omitempty"`
	DeliveryPoint string    `json:"delivery_point,omitempty"`
	FromLocation  *Location `json:"from_location,omitempty"`
	ToLocation    *Location `json:"to_location,omitempty"`
	Sender        *Contact  `json:"sender,omitempty"`
	Recipient     Contact   `json:"recipient"`
	Packages      []Package `json:"packages"`
}

// Location is an address.
type Location struct {
	Code       int    `json:"code,omitempty"`
	City       string `json:"city,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Address    string `json:"address"`
}

// Contact is a sender or recipient.
type Contact struct {
	Company string  `json:"company,omitempty"`
	Name    string  `json:"name"`
	Email   string  `json:"email,omitempty"`
	Phones  []Phone `json:"phones,omitempty"`
}

// Phone is a contact's phone.
type Phone struct {
	Number string `json:"number"`
}

// Package is one parcel: grams and centimetres.
type Package struct {
	Number string `json:"number"`
	Weight int    `json:"weight"`
	Length int    `json:"length,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Items  []Item `json:"items,omitempty"`
}

// Item is a good in a package (e-shop orders).
type Item struct {
	Name    string  `json:"name"`
	WareKey string  `json:"ware_key"`
	Payment Money   `json:"payment"`
	Cost    float64 `json:"cost"`
	Weight  int     `json:"weight"`
	Amount  int     `json:"amount"`
}

// Money is an amount with VAT.
type Money struct {
	Value float64 `json:"value"`
}

// Envelope is CDEK's answer to order calls.
type Envelope struct {
	Entity   Entity    `json:"entity"`
	Requests []Request `json:"requests"`
}

// Entity is the order as CDEK holds it.
type Entity struct {
	UUID       string   `json:"uuid"`
	Type       int      `json:"type,omitempty"`
	Number     string   `json:"number,omitempty"`
	CDEKNumber Number   `json:"cdek_number,omitempty"`
	TariffCode int      `json:"tariff_code,omitempty"`
	Statuses   []Status `json:"statuses,omitempty"`
}

// Status is one order status (Appendix 1 code).
type Status struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	DateTime Time   `json:"date_time"`
	City     string `json:"city,omitempty"`
	// ReasonCode is the additional status (Appendix 2), e.g. 11 for a
	// refusal without explanation.
	ReasonCode string `json:"reason_code,omitempty"`
	Deleted    bool   `json:"deleted,omitempty"`
}

// Current is the newest status not revoked, or nil.
func (e Entity) Current() *Status {
	var cur *Status
	for i := range e.Statuses {
		s := &e.Statuses[i]
		if s.Deleted {
			continue
		}
		if cur == nil || s.DateTime.After(cur.DateTime.Time) {
			cur = s
		}
	}
	return cur
}

// Request is the state of one request on the entity.
type Request struct {
	RequestUUID string    `json:"request_uuid"`
	Type        string    `json:"type"`
	DateTime    Time      `json:"date_time"`
	State       string    `json:"state"`
	Errors      []Problem `json:"errors,omitempty"`
	Warnings    []Problem `json:"warnings,omitempty"`
}

// Latest is the newest request of one of the types, or nil: a request made
// again (a refusal after a refused one) is listed next to the first
// (cdek.md §2). Of two made in the same second, the one listed later wins.
func (e Envelope) Latest(types ...string) *Request {
	var out *Request
	for i := range e.Requests {
		q := &e.Requests[i]
		if slices.Contains(types, q.Type) && (out == nil || !q.DateTime.Before(out.DateTime.Time)) {
			out = q
		}
	}
	return out
}

// Problem is an error or warning: a code and CDEK's message.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Webhook is a subscription.
type Webhook struct {
	UUID string `json:"uuid,omitempty"`
	URL  string `json:"url"`
	Type string `json:"type"`
}

// StatusPush is the body of an ORDER_STATUS webhook.
type StatusPush struct {
	Type       string `json:"type"`
	DateTime   Time   `json:"date_time"`
	UUID       string `json:"uuid"`
	Attributes struct {
		IsReturn         bool   `json:"is_return"`
		CDEKNumber       Number `json:"cdek_number"`
		Number           string `json:"number"`
		Code             string `json:"code"`
		StatusReasonCode string `json:"status_reason_code,omitempty"`
		StatusDateTime   Time   `json:"status_date_time"`
		CityName         string `json:"city_name"`
	} `json:"attributes"`
}

// WebhookOrderStatus is the subscription (and push) type for order
// statuses.
const WebhookOrderStatus = "ORDER_STATUS"
