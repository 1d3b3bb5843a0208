package moysklad

import "encoding/json"

// Document types skladflow watches, as MoySklad spells them in meta.type.
const (
	TypeSupply         = "supply"
	TypeMove           = "move"
	TypeEnter          = "enter"
	TypeDemand         = "demand"
	TypeSalesReturn    = "salesreturn"
	TypePurchaseReturn = "purchasereturn"
	TypeCustomerOrder  = "customerorder"
)

// DescriptionLimit is the length of a document comment, in characters.
const DescriptionLimit = 4096

// Document is a MoySklad document (supply, move, …). Fields skladflow does
// not model are kept and written back unchanged by MarshalJSON.
type Document struct {
	Meta        Meta       `json:"meta"`
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Applicable  bool       `json:"applicable"`
	Moment      Moment     `json:"moment"`
	Updated     Moment     `json:"updated"`
	State       *State     `json:"state,omitempty"`
	Store       *Ref       `json:"store,omitempty"`
	SourceStore *Ref       `json:"sourceStore,omitempty"`
	TargetStore *Ref       `json:"targetStore,omitempty"`
	Positions   *Positions `json:"positions,omitempty"`
	// Agent is the counterparty of a demand or customer order: a reference,
	// or the whole counterparty when expanded.
	Agent *Counterparty `json:"agent,omitempty"`
	// ShipmentAddress is the delivery address of a demand or customer order
	// as one line; ShipmentAddressFull the same by parts.
	ShipmentAddress     string      `json:"shipmentAddress,omitempty"`
	ShipmentAddressFull *Address    `json:"shipmentAddressFull,omitempty"`
	Attributes          []Attribute `json:"attributes,omitempty"`
	// SalesChannel is the sales channel of a customer order or demand
	// (spec customerOrder.yaml, demand.yaml: salesChannel), nil when none;
	// its name and code when expanded.
	SalesChannel *NamedRef `json:"salesChannel,omitempty"`
	// Organization is the seller (юрлицо); its name and code when expanded.
	Organization *NamedRef `json:"organization,omitempty"`
	// CustomerOrder is the order a demand or move was made from (spec
	// demand.yaml: customerOrder), nil when none.
	CustomerOrder *Ref `json:"customerOrder,omitempty"`
	// Demands are the demands made from a customer order (spec
	// customerOrder.yaml: demands, "Массив ссылок на связанные отгрузки").
	Demands []Ref `json:"demands,omitempty"`
	// Supply is the supply a purchase return returns goods of (spec
	// purchaseReturn.yaml: supply), nil when none.
	Supply *Ref `json:"supply,omitempty"`

	extra map[string]json.RawMessage
}

var documentKeys = keys("meta", "id", "name", "description", "applicable", "moment", "updated",
	"state", "store", "sourceStore", "targetStore", "positions", "agent", "shipmentAddress", "shipmentAddressFull", "attributes",
	"salesChannel", "organization", "customerOrder", "demands", "supply")

type documentAlias Document

func (d *Document) UnmarshalJSON(b []byte) error {
	var a documentAlias
	extra, err := splitObject(b, &a, documentKeys)
	if err != nil {
		return err
	}
	*d = Document(a)
	d.extra = extra
	return nil
}

func (d Document) MarshalJSON() ([]byte, error) {
	return joinObject(documentAlias(d), d.extra)
}

// Extra returns a field skladflow does not model, as raw JSON. The links
// modelled later (salesChannel, organization, customerOrder, demands,
// supply) are answered too, as they were read, so code that reads them raw
// keeps working.
func (d *Document) Extra(key string) (json.RawMessage, bool) {
	if v, ok := d.extra[key]; ok {
		return v, ok
	}
	var v any
	switch {
	case key == "salesChannel" && d.SalesChannel != nil:
		v = d.SalesChannel
	case key == "organization" && d.Organization != nil:
		v = d.Organization
	case key == "customerOrder" && d.CustomerOrder != nil:
		v = d.CustomerOrder
	case key == "supply" && d.Supply != nil:
		v = d.Supply
	case key == "demands" && d.Demands != nil:
		v = d.Demands
	default:
		return nil, false
	}
	b, err := json.Marshal(v)
	return b, err == nil
}

// Type is the document's entity type (meta.type).
func (d *Document) Type() string { return d.Meta.Type }

// StateName is the name of the document's status when state was expanded.
func (d *Document) StateName() string {
	if d.State == nil {
		return ""
	}
	return d.State.Name
}

// Sum is the document's total in kopecks (read-only, spec: sum).
func (d *Document) Sum() float64 { return d.number("sum") }

// ReservedSum is what a customer order holds in reserve, in kopecks
// (read-only, spec customerOrder.yaml: reservedSum).
func (d *Document) ReservedSum() float64 { return d.number("reservedSum") }

// ShippedSum is what was shipped of a customer order, in kopecks
// (read-only, spec customerOrder.yaml: shippedSum).
func (d *Document) ShippedSum() float64 { return d.number("shippedSum") }

// number reads a numeric field kept raw: read-only sums stay out of the
// typed fields so a document is written back exactly as it was read.
func (d *Document) number(key string) float64 {
	var v float64
	if raw, ok := d.extra[key]; ok {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}

// Rows returns the document's positions (empty unless expanded).
func (d *Document) Rows() []Position {
	if d.Positions == nil {
		return nil
	}
	return d.Positions.Rows
}

// Positions is the positions collection of a document: a meta, plus rows
// when expanded.
type Positions struct {
	Meta Meta       `json:"meta"`
	Rows []Position `json:"rows,omitempty"`
}

// Position is a document line. Fields skladflow does not type (price, vat,
// gtd, …) are kept and written back unchanged; line.go reads and sets the
// money ones.
type Position struct {
	Meta       *Meta    `json:"meta,omitempty"`
	ID         string   `json:"id,omitempty"`
	Quantity   float64  `json:"quantity"`
	Assortment *Product `json:"assortment,omitempty"`

	extra map[string]json.RawMessage
}

var positionKeys = keys("meta", "id", "quantity", "assortment")

type positionAlias Position

func (p *Position) UnmarshalJSON(b []byte) error {
	var a positionAlias
	extra, err := splitObject(b, &a, positionKeys)
	if err != nil {
		return err
	}
	*p = Position(a)
	p.extra = extra
	return nil
}

func (p Position) MarshalJSON() ([]byte, error) {
	return joinObject(positionAlias(p), p.extra)
}

// Extra returns a field skladflow does not model, as raw JSON.
func (p *Position) Extra(key string) (json.RawMessage, bool) {
	v, ok := p.extra[key]
	return v, ok
}

// ForWrite returns the position as it goes into a PUT: every field it was
// read with, but the assortment reduced to its meta (an expanded product is
// not a valid reference body) and read-only fields dropped.
func (p Position) ForWrite() Position {
	out := p
	out.Meta = nil
	if p.Assortment != nil {
		out.Assortment = &Product{Meta: p.Assortment.Meta}
	}
	out.extra = make(map[string]json.RawMessage, len(p.extra))
	for k, v := range p.extra {
		switch k {
		case "accountId", "overhead", "stock", "shipped": // read-only
			continue
		}
		out.extra[k] = v
	}
	return out
}

// DocumentUpdate is the body of a partial PUT /entity/{type}/{id}: only the
// fields that are set change. Positions, when set, replace all rows:
// every row to keep must be in it.
type DocumentUpdate struct {
	State       *Ref        `json:"state,omitempty"`
	Description *string     `json:"description,omitempty"`
	Applicable  *bool       `json:"applicable,omitempty"`
	Positions   *[]Position `json:"positions,omitempty"`
	// Attributes change only the custom fields sent.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// Things are the serial numbers of a serial-tracked line: exactly one per
// unit, so a write that changes Quantity must change them too (reference
// §4.2, spec supplyPosition.yaml). They stay raw JSON otherwise, so a line
// is written back exactly as it was read.
func (p *Position) Things() []string {
	var out []string
	if raw, ok := p.extra["things"]; ok {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}

// SetThings sets the serial numbers of the line.
func (p *Position) SetThings(things []string) {
	p.set("things", append([]string{}, things...))
}

// ExpandSerial expands a document's lines' items and a variant's product
// with them (expand depth 3, moysklad.md §4.3): what Serial needs to know
// a variant's line is serial-tracked.
const ExpandSerial = "positions.assortment.product"

// Serial reports a line kept by serial numbers: its item says so (a
// variant's only with its product expanded, ExpandSerial), or it already
// carries serials.
func (p *Position) Serial() bool {
	return len(p.Things()) > 0 || (p.Assortment != nil && p.Assortment.SerialTracked())
}
