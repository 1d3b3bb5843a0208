package fulfillment

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// Optional outdoc types (settings_get_resp.outdoc_types): the warehouse
// issues them only when the account turned them on.
var OptionalOutdocTypes = []string{
	OutdocSupplyStart, "goods_shipment_start", "goods_shipment_ready",
	OutdocOrdersReceiving, OutdocOrdersDeficit, OutdocOrdersProductionStart, OutdocOrdersPallet,
}

// Settings is the account's settings (GET /settings, settings_get_resp).
type Settings struct {
	// Ownerdeps are the customer's departments (shops, #ownerdep_desc).
	Ownerdeps []Ownerdep `json:"ownerdeps,omitempty"`
	// Deliveries are the delivery services orders may name (#delivery_desc).
	Deliveries []Delivery `json:"deliveries,omitempty"`
	// OutdocTypes says which optional outdoc types are issued.
	OutdocTypes         map[string]bool `json:"outdoc_types"`
	GoodsExpirEnabled   bool            `json:"goods_expir_enabled"`
	GoodsSurplusEnabled bool            `json:"goods_surplus_enabled"`
	RateLimits          *RateLimits     `json:"rate_limits,omitempty"`
}

// Ownerdep is a customer's department.
type Ownerdep struct {
	OwnerdepID   int32  `json:"ownerdep_id"`
	OwnerdepName string `json:"ownerdep_name"`
}

// Delivery is a delivery service connected to the account, possibly for
// one department only.
type Delivery struct {
	OwnerdepID   int32  `json:"ownerdep_id,omitempty"`
	OwnerdepName string `json:"ownerdep_name,omitempty"`
	DeliveryID   int32  `json:"delivery_id"`
	DeliveryName string `json:"delivery_name"`
}

// RateLimits is the part of settings_get_resp.rate_limits the client reads.
type RateLimits struct {
	ConcurrentQnt int32 `json:"concurrent_qnt"`
	// ReqQnt is the quota of requests of any kind.
	ReqQnt *Quota `json:"req_qnt,omitempty"`
}

// Quota is one of the account's quotas: a day's, for the average load, and
// a minute's, for peaks (settings_get_resp.rate_limits.*).
type Quota struct {
	Day    float64 `json:"day"`
	Minute float64 `json:"minute"`
}

// Delivery finds a connected delivery service by id, for ownerdep (0: any
// department).
func (s *Settings) Delivery(deliveryID, ownerdep int32) (Delivery, bool) {
	for _, d := range s.Deliveries {
		if d.DeliveryID == deliveryID && (ownerdep == 0 || d.OwnerdepID == 0 || d.OwnerdepID == ownerdep) {
			return d, true
		}
	}
	return Delivery{}, false
}

// Settings reads GET /settings.
func (c *Client) Settings(ctx context.Context) (*Settings, error) {
	var s Settings
	if err := c.do(ctx, http.MethodGet, "/settings", nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// EnableOutdocTypes turns optional outdoc types on with POST /settings
// (settings_set_req.outdoc_types); types the request leaves out keep their
// setting. A type that is not optional is refused here: FBox always
// issues it.
func (c *Client) EnableOutdocTypes(ctx context.Context, types ...string) error {
	if len(types) == 0 {
		return nil
	}
	on := map[string]bool{}
	for _, t := range types {
		if !slices.Contains(OptionalOutdocTypes, t) {
			return fmt.Errorf("fulfillment: %s is not an optional outdoc type", t)
		}
		on[t] = true
	}
	body := struct {
		OutdocTypes map[string]bool `json:"outdoc_types"`
	}{on}
	return c.do(ctx, http.MethodPost, "/settings", body, nil)
}
