package fulfillment

import (
	"context"
)

// Outdoc types of a shipment task (#goods_shipment_desc). Start and ready
// are optional documents (#doc_option_desc): either may be missing.
const (
	OutdocShipmentStart = "goods_shipment_start"
	OutdocShipmentReady = "goods_shipment_ready"
)

// GoodsShipmentStart is «Начат подбор товаров по заданию на отгрузку»
// (schema goods_shipment_start): picking began; the task can no longer be
// deleted.
type GoodsShipmentStart struct {
	OutdocType string       `json:"outdoc_type"`
	Common     OutdocCommon `json:"common"`
}

// GoodsShipmentReady is «Подобран товар для отгрузки» (schema
// goods_shipment_ready): what was really picked, boxed and locked against
// change.
type GoodsShipmentReady struct {
	OutdocType string       `json:"outdoc_type"`
	Common     OutdocCommon `json:"common"`
	Pallets    Pallets      `json:"pallets,omitempty"`
}

// GoodsShipment is «Товары отгружены» (schema goods_shipment): what left
// the warehouse. It carries no plan: a short pick shows only as a smaller
// total than the task planned (fbox.md §6.3).
type GoodsShipment struct {
	OutdocType string       `json:"outdoc_type"`
	Common     OutdocCommon `json:"common"`
	Pallets    Pallets      `json:"pallets,omitempty"`
}

// Pallets are the shipped or picked pallets (schema gplt_out). A pallet
// without PltID only groups boxes: the warehouse gives pallet ids only by
// agreement (#goods_shipment_prepare_desc).
type Pallets []Pallet

// Pallet is one gplt_out.
type Pallet struct {
	PltID       int32  `json:"plt_id,omitempty"`
	PltFBOBar   string `json:"plt_fbo_bar,omitempty"`
	PltUpperBar string `json:"plt_upper_bar,omitempty"`
	PltLowerBar string `json:"plt_lower_bar,omitempty"`
	Boxes       []Box  `json:"boxes"`
}

// Box is a box of a pallet; box_id, both barcodes and goods are required.
type Box struct {
	BoxID       int32     `json:"box_id"`
	BoxFBOBar   string    `json:"box_fbo_bar,omitempty"`
	BoxUpperBar string    `json:"box_upper_bar"`
	BoxLowerBar string    `json:"box_lower_bar"`
	PackID      string    `json:"pack_id,omitempty"`
	PackName    string    `json:"pack_name,omitempty"`
	PackFake    bool      `json:"pack_fake,omitempty"`
	PackWeight  int32     `json:"pack_weight,omitempty"`
	Weight      int32     `json:"weight,omitempty"`
	Length      int32     `json:"length,omitempty"`
	Width       int32     `json:"width,omitempty"`
	Height      int32     `json:"height,omitempty"`
	Goods       []BoxGood `json:"goods"`
}

// BoxGood is a good in a box, unique per (good_id, expiry_date, good_sn).
type BoxGood struct {
	GoodID     string `json:"good_id"`
	ExpiryDate *Date  `json:"expiry_date,omitempty"`
	GoodSN     string `json:"good_sn,omitempty"`
	GoodSN0    string `json:"good_sn0,omitempty"`
	GoodFBOBar string `json:"good_fbo_bar,omitempty"`
	Qnt        int32  `json:"qnt"`
}

// Totals sums the units per good over every pallet and box.
func (p Pallets) Totals() map[string]int64 {
	out := map[string]int64{}
	for _, pl := range p {
		for _, b := range pl.Boxes {
			for _, g := range b.Goods {
				out[g.GoodID] += int64(g.Qnt)
			}
		}
	}
	return out
}

// Totals sums the shipped units per good.
func (s *GoodsShipment) Totals() map[string]int64 { return s.Pallets.Totals() }

// Totals sums the picked units per good.
func (s *GoodsShipmentReady) Totals() map[string]int64 { return s.Pallets.Totals() }

// ParseGoodsShipmentStart reads a goods_shipment_start body.
func ParseGoodsShipmentStart(b []byte) (*GoodsShipmentStart, error) {
	var s GoodsShipmentStart
	return &s, parseOutdoc(b, &s, &s.OutdocType, OutdocShipmentStart)
}

// ParseGoodsShipmentReady reads a goods_shipment_ready body.
func ParseGoodsShipmentReady(b []byte) (*GoodsShipmentReady, error) {
	var s GoodsShipmentReady
	return &s, parseOutdoc(b, &s, &s.OutdocType, OutdocShipmentReady)
}

// ParseGoodsShipment reads a goods_shipment body.
func ParseGoodsShipment(b []byte) (*GoodsShipment, error) {
	var s GoodsShipment
	return &s, parseOutdoc(b, &s, &s.OutdocType, OutdocShipment)
}

// GetGoodsShipmentReady reads a goods_shipment_ready document.
func (c *Client) GetGoodsShipmentReady(ctx context.Context, outdocID int64) (*GoodsShipmentReady, error) {
	b, err := c.GetOutdoc(ctx, outdocID)
	if err != nil {
		return nil, err
	}
	return ParseGoodsShipmentReady(b)
}

// GetGoodsShipment reads a goods_shipment document.
func (c *Client) GetGoodsShipment(ctx context.Context, outdocID int64) (*GoodsShipment, error) {
	b, err := c.GetOutdoc(ctx, outdocID)
	if err != nil {
		return nil, err
	}
	return ParseGoodsShipment(b)
}
