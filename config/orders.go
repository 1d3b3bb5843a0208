package config

import (
	"fmt"
	"slices"
)

// Services policies of the customer-order flow.
const (
	// ServicesDrop leaves service lines out of the warehouse order: they
	// have no stock. The mini-log says so.
	ServicesDrop = "drop"
	// ServicesSend sends service lines as goods lines too; the warehouse
	// must hold them as goods of type service (the catalogue registers
	// them).
	ServicesSend = "send"
)

// Orders configures the customer-order flow: a customer order reserved at
// a warehouse store and set to statuses.order_submit becomes an FBox order
// (POST /orders); the warehouse's order documents come back as statuses
// and a posted demand. Optional: without it there is no such flow.
type Orders struct {
	// OrderPrefix starts every FBox order_id (the rest is the order's
	// number). Defaults to "" (the number alone).
	OrderPrefix string `yaml:"order_prefix"`
	// Shops tell several shops in one FBox account apart, by the order's
	// sales channel or organization: each gets its own order_id prefix and
	// FBox subdivision (ownerdep_id, spec #ownerdep_desc). The first match
	// wins. Optional.
	Shops []Shop `yaml:"shops"`
	// DeliveryID is the FBox delivery service (delivery_id of GET
	// /settings deliveries) of orders that do not name one in
	// DeliveryAttribute. Required unless DeliveryAttribute is given.
	DeliveryID int32 `yaml:"delivery_id"`
	// DeliveryAttribute is the name of a customer-order custom field where
	// staff may put the FBox delivery_id (a number) of one order. Optional.
	DeliveryAttribute string `yaml:"delivery_attribute"`
	// PickupPointAttribute is the name of a customer-order custom field with
	// the delivery service's pickup point id (delivery.pickpoint_id).
	// Defaults to "Пункт выдачи".
	PickupPointAttribute string `yaml:"pickup_point_attribute"`
	// TrackAttribute is the name of a demand custom field (text) that gets
	// the shipment's track number. Defaults to "Трек-номер".
	TrackAttribute string `yaml:"track_attribute"`
	// Services says what becomes of service lines: drop or send. Defaults
	// to "drop".
	Services string `yaml:"services"`
}

// Shop is one shop of a shared FBox account.
type Shop struct {
	// SalesChannel is the MoySklad sales channel (name or id) of the
	// shop's orders. Give it or Organization.
	SalesChannel string `yaml:"sales_channel"`
	// Organization is the MoySklad organization (name or id) of the shop's
	// orders. Give it or SalesChannel.
	Organization string `yaml:"organization"`
	// OrderPrefix starts the shop's order_ids instead of orders.order_prefix.
	// Required: two shops may number their orders alike.
	OrderPrefix string `yaml:"order_prefix"`
	// OwnerdepID is the shop's FBox subdivision (GET /settings ownerdeps).
	// Optional.
	OwnerdepID int32 `yaml:"ownerdep_id"`
}

func (o *Orders) setDefaults() {
	if o == nil {
		return
	}
	if o.PickupPointAttribute == "" {
		o.PickupPointAttribute = "Пункт выдачи"
	}
	if o.TrackAttribute == "" {
		o.TrackAttribute = "Трек-номер"
	}
	if o.Services == "" {
		o.Services = ServicesDrop
	}
}

func (o *Orders) validate() []error {
	if o == nil {
		return nil
	}
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: "+format, append([]any{key}, args...)...))
	}
	if o.DeliveryID < 0 {
		bad("orders.delivery_id", "must be a positive FBox delivery_id, got %d", o.DeliveryID)
	}
	if o.DeliveryID == 0 && o.DeliveryAttribute == "" {
		bad("orders.delivery_id", "required unless orders.delivery_attribute names a custom field with it")
	}
	if !slices.Contains([]string{ServicesDrop, ServicesSend}, o.Services) {
		bad("orders.services", "must be drop or send, got %q", o.Services)
	}
	prefixes := map[string]bool{o.OrderPrefix: true}
	for i, s := range o.Shops {
		k := fmt.Sprintf("orders.shops[%d]", i)
		if (s.SalesChannel == "") == (s.Organization == "") {
			bad(k, "give exactly one of sales_channel and organization")
		}
		if s.OrderPrefix == "" {
			bad(k+".order_prefix", "required: shops of one account may number their orders alike")
		} else if prefixes[s.OrderPrefix] {
			bad(k+".order_prefix", "%q is used by another shop or orders.order_prefix", s.OrderPrefix)
		}
		prefixes[s.OrderPrefix] = true
		if s.OwnerdepID < 0 {
			bad(k+".ownerdep_id", "must be positive, got %d", s.OwnerdepID)
		}
	}
	return errs
}
