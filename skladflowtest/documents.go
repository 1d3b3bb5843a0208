package skladflowtest

import (
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// Line is one position of a document to create.
type Line struct {
	Product  moysklad.Product
	Quantity float64
	Price    float64 // kopecks per unit
}

func positions(lines []Line) []moyskladtest.PositionSpec {
	out := make([]moyskladtest.PositionSpec, 0, len(lines))
	for _, l := range lines {
		out = append(out, moyskladtest.PositionSpec{ProductID: l.Product.ID, Quantity: l.Quantity, Price: l.Price})
	}
	return out
}

// Supply creates, as staff would, a supply into the warehouse's store with
// comment as its description.
func (h *Harness) Supply(name, comment string, lines ...Line) (moysklad.Document, error) {
	return h.MoySklad.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: name, Description: comment,
		Store: h.Store.ID, Positions: positions(lines)})
}

// Move creates a move from the other store into the warehouse's.
func (h *Harness) Move(name, comment string, lines ...Line) (moysklad.Document, error) {
	return h.MoySklad.CreateDocument(moysklad.TypeMove, moyskladtest.DocumentSpec{Name: name, Description: comment,
		SourceStore: h.Other.ID, TargetStore: h.Store.ID, Positions: positions(lines)})
}

// Address is where Demand ships to.
var Address = moysklad.Address{PostalCode: "630099", City: "Новосибирск", Street: "ул Ленина", House: "5", Apartment: "12"}

// Demand creates a shipment from the other store (not held at the
// warehouse) to a new counterparty, delivered to Address: what staff hand
// to CDEK.
func (h *Harness) Demand(name, comment string, buyer moyskladtest.CounterpartySpec, lines ...Line) (moysklad.Document, error) {
	agent := h.MoySklad.AddCounterparty(buyer)
	addr := Address
	return h.MoySklad.CreateDocument(moysklad.TypeDemand, moyskladtest.DocumentSpec{Name: name, Description: comment,
		Store: h.Other.ID, Agent: agent.ID, ShipmentAddress: &addr, Positions: positions(lines)})
}

// CustomerOrder creates a customer order reserved at the warehouse's
// store for a new counterparty, delivered to Address: what the warehouse
// ships itself.
func (h *Harness) CustomerOrder(name, comment string, buyer moyskladtest.CounterpartySpec, lines ...Line) (moysklad.Document, error) {
	agent := h.MoySklad.AddCounterparty(buyer)
	addr := Address
	// Posted: MoySklad reserves the goods of a posted order only.
	return h.MoySklad.CreateDocument(moysklad.TypeCustomerOrder, moyskladtest.DocumentSpec{Name: name, Description: comment,
		Store: h.Store.ID, Agent: agent.ID, ShipmentAddress: &addr, Positions: positions(lines), Applicable: true})
}

// SetStatus changes a document's status as staff would: MoySklad notifies
// skladflow.
func (h *Harness) SetStatus(typ, id, status string) error {
	return h.MoySklad.SetState(typ, id, status)
}
