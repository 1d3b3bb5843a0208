package moyskladtest

import (
	"encoding/json"

	"github.com/skladflow/skladflow/moysklad"
)

// Product is a product as MoySklad expands it in a document line, for unit
// tests of the flows.
func Product(id, article, name string) *moysklad.Product {
	return &moysklad.Product{
		Meta: moysklad.Meta{Href: "https://api.moysklad.ru/api/remap/1.2/entity/product/" + id, Type: "product"},
		ID:   id, Article: article, Name: name,
	}
}

// Position is a document line as MoySklad sends it: built from JSON, so
// fields the client does not model (price) are kept as they come.
func Position(id string, q float64, p *moysklad.Product) moysklad.Position {
	var x moysklad.Position
	b, err := json.Marshal(map[string]any{"id": id, "quantity": q, "price": 15000.0, "assortment": p})
	if err == nil {
		err = json.Unmarshal(b, &x)
	}
	if err != nil {
		panic("moyskladtest: position: " + err.Error()) // static test data
	}
	return x
}

// Document is a document of typ read with its positions expanded.
func Document(typ string, ps ...moysklad.Position) *moysklad.Document {
	return &moysklad.Document{
		Meta: moysklad.Meta{Type: typ}, ID: "5f0a1b2c-0000-11ef-0a80-000000000001", Name: "00042",
		Positions: &moysklad.Positions{Rows: ps},
	}
}
