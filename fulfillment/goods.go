package fulfillment

// The warehouse's catalogue of goods (fbox-openapi.yaml #goods_desc,
// «Регистрация товаров» #good_set_desc): every good must be registered, and
// kept current, before a task names it; a goods_supply_task may register
// its goods inline (fbox.md §6.1).

// Good types (#good_type_desc, schema tgood_type).
const (
	GoodTypeGood        = "good"
	GoodTypeFlyer       = "flyer"       // not stock: a personalised insert
	GoodTypeService     = "service"     // not stock: a fee or discount line
	GoodTypeAdvertising = "advertising" // may be left out when missing
	GoodTypePack        = "pack"        // the customer's packing material
)

// Good attributes (#good_attrs) skladflow may set.
const (
	AttrGoodExpiry     = 29  // is_expir: tracked by expiry date
	AttrGoodVAT        = 106 // good_st_vat: VATNone, 0, 10 or 20 (default 20)
	AttrGoodSNMandant  = 268 // sn_mandant: serial number required on receipt
	AttrGoodPublicName = 635 // public_name: the name on customers' papers
)

// VATNone is attribute 106's «без НДС».
const VATNone = -1

// GoodsBatch is how many cards RegisterGoods sends per POST /goods. The
// spec names no limit (good_set_req has no maxItems); a bounded body keeps
// a request inside the request-MB quota (#rl_desc) and a refusal, which
// rolls back only its own request (#error_desc), small.
const GoodsBatch = 500

// GoodCard is a registered good as the warehouse reports it: an item of
// POST /goods/list (good_list_resp) or GET /goods/{good_id}/info
// (good_info_resp; only that one carries EANs, attributes and size class).
type GoodCard struct {
	GoodID     string            `json:"good_id"`
	GoodType   string            `json:"good_type"`
	GoodName   string            `json:"good_name"`
	Length     int32             `json:"length,omitempty"`
	Width      int32             `json:"width,omitempty"`
	Height     int32             `json:"height,omitempty"`
	Weight     int32             `json:"weight,omitempty"`
	GtrID      int32             `json:"gtr_id,omitempty"`
	GtrName    string            `json:"gtr_name,omitempty"`
	Attributes []OutdocAttribute `json:"attributes,omitempty"`
	EANs       []string          `json:"eans,omitempty"`
}

// Attribute returns the value of a card attribute, if present.
func (g GoodCard) Attribute(id int) (any, bool) { return attribute(g.Attributes, id) }

// GoodFilter is the body of POST /goods/list. With GoodIDs the whole
// answer comes at once and paging is ignored (#paging_desc).
type GoodFilter struct {
	GoodType  string   `json:"good_type,omitempty"`
	GoodIDs   []string `json:"good_ids,omitempty"`
	PageSize  int      `json:"page_size,omitempty"`
	PageToken string   `json:"page_token,omitempty"`
}

// GoodsPage is one page of POST /goods/list; Next is empty on the last.
type GoodsPage struct {
	Items []GoodCard `json:"items"`
	Next  string     `json:"page_next_token,omitempty"`
}

// GoodEAN binds a barcode to a good (good_ean_set_req add/set items).
type GoodEAN struct {
	GoodID string `json:"good_id"`
	EAN    string `json:"ean"`
}

// EANChange is the body of POST /goods/eans: Add fails when a barcode is
// bound to another good, Set moves it, Delete unbinds barcodes.
type EANChange struct {
	Delete []string  `json:"delete,omitempty"`
	Add    []GoodEAN `json:"add,omitempty"`
	Set    []GoodEAN `json:"set,omitempty"`
}

// EANRecord is an item of POST /goods/eans/list (good_ean_list_resp).
type EANRecord struct {
	GoodID    string `json:"good_id"`
	EAN       string `json:"ean"`
	CreatedAt Date   `json:"created_at"`
}

// EANFilter is the body of POST /goods/eans/list. Naming goods or barcodes
// answers whole; otherwise the answer pages (#paging_desc).
type EANFilter struct {
	GoodIDs   []string `json:"good_ids,omitempty"`
	EANs      []string `json:"eans,omitempty"`
	PageSize  int      `json:"page_size,omitempty"`
	PageToken string   `json:"page_token,omitempty"`
}
