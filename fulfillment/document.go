package fulfillment

import (
	"strconv"
	"strings"
)

// Document types of the FBox JSON API.
const (
	IndocSupplyTask   = "goods_supply_task"
	IndocShipmentTask = "goods_shipment_task"
	OutdocSupply      = "goods_supply"
	OutdocSupplyStart = "goods_supply_start"
	OutdocShipment    = "goods_shipment"
)

// Supply document attributes (fbox-openapi.yaml #doc3_attrs).
const (
	AttrPartNum        = 9   // number of a partial receipt (read only)
	AttrArrivalTime    = 180 // arrival time (read only)
	AttrWaitExpired    = 306 // wait period expired: nothing arrived (read only)
	AttrSurplusEnabled = 350
	AttrShipmentDate   = 526 // expected arrival
	AttrSurplusOf      = 624 // surplus of indoc X (read only)
	// AttrCoordination carries coordination between the customer's systems
	// reading the same outdocs (#outdoc_share_desc, any document, read/write).
	AttrCoordination = 657
)

// Attribute is a document attribute in a request.
type Attribute struct {
	AttributeID int `json:"attribute_id"`
	Value       any `json:"value"`
}

// OutdocAttribute is a document attribute as the warehouse reports it.
type OutdocAttribute struct {
	AttributeID   int    `json:"attribute_id"`
	AttributeType string `json:"attribute_type,omitempty"`
	AttributeName string `json:"attribute_name,omitempty"`
	Value         any    `json:"value"`
}

// SupplyTask is «Задание на оприходование» (goods_supply_task), sent with
// POST /indocs.
type SupplyTask struct {
	IndocType  string      `json:"indoc_type"`
	IndocID    string      `json:"indoc_id"`
	IndocTxt   string      `json:"indoc_txt,omitempty"`
	Attributes []Attribute `json:"attributes,omitempty"`
	Goods      []Good      `json:"goods,omitempty"`
	Items      []TaskItem  `json:"items"`
}

// Good registers a good with the warehouse, as POST /goods would (spec
// good_set_req; see goods.go). Every field beyond good_id and good_name is
// optional and omitted when zero, so a supply task's inline goods keep
// their shape.
type Good struct {
	GoodID   string `json:"good_id"`
	GoodType string `json:"good_type,omitempty"` // GoodTypeGood when empty
	GoodName string `json:"good_name"`
	// One unit in its own package, mm and g; all four or none
	// (#good_dim_desc).
	Length     int32       `json:"length,omitempty"`
	Width      int32       `json:"width,omitempty"`
	Height     int32       `json:"height,omitempty"`
	Weight     int32       `json:"weight,omitempty"`
	EANs       []EAN       `json:"eans,omitempty"`
	Attributes []Attribute `json:"attributes,omitempty"`
}

// EAN modes: add fails when the barcode belongs to another good, set moves it.
const (
	EANAdd = "add"
	EANSet = "set"
)

// EAN is a barcode of a good.
type EAN struct {
	Mode  string `json:"mode"`
	Value string `json:"value"`
}

// TaskItem is a planned line of a task. Quantities are int32 in FBox.
type TaskItem struct {
	GoodID  string `json:"good_id"`
	PlanQnt int32  `json:"plan_qnt"`
}

// OutdocHeader is one entry of POST /outdocs/list.
type OutdocHeader struct {
	OutdocID          int64  `json:"outdoc_id"`
	OutdocType        string `json:"outdoc_type"`
	OutdocTypeDescrip string `json:"outdoc_type_descrip,omitempty"`
	OutdocDate        Date   `json:"outdoc_date"`
	CreatedAt         Date   `json:"created_at"`
	Locked            bool   `json:"locked"`
	UnlockRequest     bool   `json:"unlock_request"`
	IndocID           string `json:"indoc_id,omitempty"`
	PartNum           *int32 `json:"part_num,omitempty"`
	Origin            string `json:"origin,omitempty"`
}

// OutdocFilter is the body of POST /outdocs/list. Nil fields are not sent.
type OutdocFilter struct {
	FromDate      *Date  `json:"from_date,omitempty"`
	ToDate        *Date  `json:"to_date,omitempty"`
	OutdocType    string `json:"outdoc_type,omitempty"`
	Locked        *bool  `json:"locked,omitempty"`
	UnlockRequest *bool  `json:"unlock_request,omitempty"`
	IndocID       string `json:"indoc_id,omitempty"`
	PageSize      int    `json:"page_size,omitempty"`
	PageToken     string `json:"page_token,omitempty"`
}

// Supply is «Оприходование» (goods_supply): what the warehouse really
// received against a task. The last part of a partial receipt has no PartNum.
type Supply struct {
	OutdocType  string        `json:"outdoc_type"`
	Common      OutdocCommon  `json:"common"`
	PartNum     *int32        `json:"part_num,omitempty"`
	Goods       []SupplyGood  `json:"goods"`
	GoodsExpiry []GoodsExpiry `json:"goods_expiry,omitempty"`
}

// OutdocCommon is the common part of every outgoing document.
type OutdocCommon struct {
	OutdocID          int64             `json:"outdoc_id"`
	OutdocType        string            `json:"outdoc_type"`
	OutdocTypeDescrip string            `json:"outdoc_type_descrip,omitempty"`
	OutdocDate        Date              `json:"outdoc_date"`
	OutdocTxt         string            `json:"outdoc_txt,omitempty"`
	CreatedAt         Date              `json:"created_at"`
	IndocID           string            `json:"indoc_id,omitempty"`
	Attributes        []OutdocAttribute `json:"attributes,omitempty"`
}

// Attribute returns the value of an attribute, if present.
func (c OutdocCommon) Attribute(id int) (any, bool) { return attribute(c.Attributes, id) }

func attribute(attrs []OutdocAttribute, id int) (any, bool) {
	for _, a := range attrs {
		if a.AttributeID == id {
			return a.Value, true
		}
	}
	return nil, false
}

// SupplyGood is a line of a receipt: planned, useful and defective units.
// An unplanned good has PlanQnt 0.
type SupplyGood struct {
	GoodID       string `json:"good_id"`
	PlanQnt      int32  `json:"plan_qnt"`
	UsefulQnt    int32  `json:"useful_qnt"`
	DefectiveQnt int32  `json:"defective_qnt"`
}

// GoodsExpiry is received quantity per expiry date and quality.
type GoodsExpiry struct {
	GoodID     string `json:"good_id"`
	QualType   string `json:"qual_type"`
	ExpiryDate Date   `json:"expiry_date"`
	Qnt        int32  `json:"qnt"`
}

// Part says whether the receipt is a non-final part of a partial receipt,
// and which. The spec marks such a part by attribute 9 (#goods_inpart_desc:
// every part but the last carries it) and also lists a top-level part_num
// in the schema: either one makes a part.
func (s *Supply) Part() (int32, bool) {
	if s.PartNum != nil {
		return *s.PartNum, true
	}
	v, ok := s.Common.Attribute(AttrPartNum)
	if !ok || v == nil {
		return 0, false
	}
	switch n := v.(type) {
	case float64:
		return int32(n), true
	case int32:
		return n, true
	case int:
		return int32(n), true
	case string:
		i, _ := strconv.Atoi(strings.TrimSpace(n))
		return int32(i), true
	}
	return 0, true // present with an unexpected type: still a part
}

// SurplusOf is the task a separate surplus receipt belongs to (attribute
// 624, fbox.md §7), or "".
func (s *Supply) SurplusOf() string {
	v, _ := s.Common.Attribute(AttrSurplusOf)
	id, _ := v.(string)
	return id
}

// WaitExpired says the warehouse closed the task because its wait period
// ran out (attribute 306, #goods_timeout_desc): nothing will arrive.

func (s *Supply) WaitExpired() bool {
	v, ok := s.Common.Attribute(AttrWaitExpired)
	if !ok {
		return false
	}
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true" || b == "1"
	case float64:
		return b != 0
	}
	return v != nil
}
