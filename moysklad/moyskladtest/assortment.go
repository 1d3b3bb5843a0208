package moyskladtest

import (
	"fmt"

	"github.com/skladflow/skladflow/moysklad"
)

// A position's assortment may be a product, a variant (модификация) or a
// service (reference §4.2: "Meta of product/service/variant/consignment").
// They live under their own types, as in MoySklad, and a line refers to one
// by its meta type.
var assortmentTypes = []string{"product", "variant", "service", "bundle"}

// VariantSpec describes a variant of a product to add.
type VariantSpec struct {
	ProductID          string // the product it belongs to; required
	Name               string // defaults to the product's name
	Code, ExternalCode string
	Barcodes           []string // EAN-13
	// Characteristics are the variant's values, in order: {"Цвет", "синий"}.
	Characteristics []moysklad.Characteristic
}

// ServiceSpec describes a service to add.
type ServiceSpec struct {
	Name, Code, ExternalCode string
}

// AddVariant adds a variant in MoySklad's shape (spec
// components/schemas/dictionary/variant.yaml): code, externalCode,
// barcodes and its product — no article, no weight.
func (s *Server) AddVariant(v VariantSpec) (moysklad.Product, error) {
	s.mu.Lock()
	p, ok := s.entities["product"][v.ProductID]
	if !ok {
		s.mu.Unlock()
		return moysklad.Product{}, fmt.Errorf("moyskladtest: no product %s for a variant", v.ProductID)
	}
	id := newID()
	if v.Name == "" {
		v.Name, _ = p["name"].(string)
	}
	if v.ExternalCode == "" {
		v.ExternalCode = id[:8]
	}
	e := object{"meta": s.meta("variant", id), "id": id, "accountId": s.account, "updated": now(),
		"name": v.Name, "code": v.Code, "externalCode": v.ExternalCode, "archived": false,
		"discountProhibited": false, "product": object{"meta": clone(p["meta"])},
		"characteristics": characteristics(v.Characteristics), "salePrices": []any{}, "barcodes": barcodes(v.Barcodes), "things": []any{}}
	s.put1("variant", id, e)
	s.mu.Unlock()
	var out moysklad.Product
	decodeInto(e, &out)
	return out, nil
}

// AddService adds a service in MoySklad's shape (spec
// components/schemas/dictionary/service.yaml): no stock, no barcodes here.
func (s *Server) AddService(sv ServiceSpec) moysklad.Product {
	id := newID()
	if sv.ExternalCode == "" {
		sv.ExternalCode = id[:8]
	}
	e := object{"meta": s.meta("service", id), "id": id, "accountId": s.account, "updated": now(),
		"name": sv.Name, "code": sv.Code, "externalCode": sv.ExternalCode, "archived": false, "pathName": "",
		"vat": 20, "vatEnabled": true, "useParentVat": true, "effectiveVat": 20, "effectiveVatEnabled": true,
		"discountProhibited": false, "shared": true, "paymentItemType": "SERVICE"}
	s.mu.Lock()
	s.put1("service", id, e)
	s.mu.Unlock()
	var out moysklad.Product
	decodeInto(e, &out)
	return out
}

// characteristics renders a variant's values as the spec has them
// (dictionary/variant.yaml characteristics: meta, id, name, value).
func characteristics(cs []moysklad.Characteristic) []any {
	out := []any{}
	for _, c := range cs {
		id := newID()
		out = append(out, object{"meta": object{"type": "attributemetadata", "mediaType": "application/json",
			"href": "https://api.moysklad.ru/api/remap/1.2/entity/variant/metadata/characteristics/" + id},
			"id": id, "name": c.Name, "value": c.Value})
	}
	return out
}

func barcodes(values []string) []any {
	out := []any{}
	for _, b := range values {
		out = append(out, object{"ean13": b})
	}
	return out
}

// assortmentByID finds a product, variant or service by id. It runs under
// s.mu.
func (s *Server) assortmentByID(id string) (object, string) {
	for _, t := range assortmentTypes {
		if e, ok := s.entities[t][id]; ok {
			return e, t
		}
	}
	return nil, ""
}

// assortmentOf resolves a line's assortment reference by its meta type.
// It runs under s.mu.
func (s *Server) assortmentOf(ref any) object {
	m, _ := ref.(object)
	meta, _ := m["meta"].(object)
	t, _ := meta["type"].(string)
	if t == "" {
		return nil
	}
	e, ok := s.entities[t][idOf(ref)]
	if !ok {
		return nil
	}
	return e
}

// serialTracked reports whether an assortment item is kept by serial
// numbers: a product's own flag, a variant's product's. It runs under s.mu.
func (s *Server) serialTracked(a object) bool {
	if a["meta"].(object)["type"] == "variant" {
		a = s.entities["product"][idOf(a["product"])]
	}
	on, _ := a["isSerialTrackable"].(bool)
	return on
}
