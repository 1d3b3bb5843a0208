package fulfillment

import (
	"context"
	"net/http"
	"net/url"
)

// Shipments is the part of the port that ships goods out in bulk
// (fbox-openapi.yaml #goods_shipment_desc): a goods_shipment_task, the
// warehouse's goods_shipment_start / goods_shipment_ready / goods_shipment
// outdocs, and the stock movement of any outdoc. DeleteIndoc deletes a
// task, which FBox allows only before picking starts.
type Shipments interface {
	DeleteIndoc(ctx context.Context, indocID string) error
	CreateShipmentTask(ctx context.Context, t ShipmentTask) error
	GetShipmentTask(ctx context.Context, indocID string) (*ShipmentTask, error)
	GetGoodsShipmentReady(ctx context.Context, outdocID int64) (*GoodsShipmentReady, error)
	GetGoodsShipment(ctx context.Context, outdocID int64) (*GoodsShipment, error)
	OutdocGoods(ctx context.Context, outdocID int64) ([]GoodMove, error)
}

var _ Shipments = (*Client)(nil)

// ShipmentTask is «Задание на отгрузку товаров» (schema
// goods_shipment_task), sent with POST /indocs. QualType says which stock
// is shipped: useful (the default) or defective, e.g. a return of
// defective goods to the supplier.
type ShipmentTask struct {
	IndocType   string         `json:"indoc_type"`
	IndocID     string         `json:"indoc_id"`
	QualType    string         `json:"qual_type,omitempty"`
	PickingOnly bool           `json:"picking_only,omitempty"`
	IndocTxt    string         `json:"indoc_txt,omitempty"`
	Attributes  []Attribute    `json:"attributes,omitempty"`
	Items       []ShipmentItem `json:"items"`
}

// ShipmentItem is a planned line of a shipment task. Price is the unit
// price for the warehouse's printed forms; 0 is not sent.
type ShipmentItem struct {
	GoodID    string  `json:"good_id"`
	PlanQnt   int32   `json:"plan_qnt"`
	SNMandant *bool   `json:"sn_mandant,omitempty"`
	Price     float64 `json:"price,omitempty"`
}

// Planned is the planned quantity per good; lines of one good add up.
func (t ShipmentTask) Planned() map[string]int64 {
	out := map[string]int64{}
	for _, it := range t.Items {
		out[it.GoodID] += int64(it.PlanQnt)
	}
	return out
}

// SameItems reports whether two tasks plan the same goods in the same
// quantities: a duplicate number (1001) after a lost answer is then the
// task already there.
func (t ShipmentTask) SameItems(o ShipmentTask) bool {
	a, b := t.Planned(), o.Planned()
	if len(a) != len(b) {
		return false
	}
	for g, q := range a {
		if b[g] != q {
			return false
		}
	}
	return t.qual() == o.qual()
}

func (t ShipmentTask) qual() string {
	if t.QualType == "" {
		return QualUseful // schema default
	}
	return t.QualType
}

// CreateShipmentTask sends «Задание на отгрузку товаров». A number the
// warehouse already has answers an error matching ErrDuplicate.
func (c *Client) CreateShipmentTask(ctx context.Context, t ShipmentTask) error {
	t.IndocType = IndocShipmentTask
	return c.do(ctx, http.MethodPost, "/indocs", t, nil)
}

// GetShipmentTask reads a task back as it was created (GET
// /indocs/{id}/json). A number that belongs to another kind of task comes
// back with that IndocType.
func (c *Client) GetShipmentTask(ctx context.Context, indocID string) (*ShipmentTask, error) {
	var out struct {
		Indoc ShipmentTask `json:"indoc"`
	}
	if err := c.do(ctx, http.MethodGet, "/indocs/"+url.PathEscape(indocID)+"/json", nil, &out); err != nil {
		return nil, err
	}
	return &out.Indoc, nil
}
