package moyskladtest

import (
	"fmt"
	"net/http"

	"github.com/skladflow/skladflow/moysklad"
)

// A bundle (комплект) is sold as one line of a demand or customer order
// (reference §4.2: "demand and customerorder also bundle") and made of
// components: products, variants or services with quantities (spec
// dictionary/bundle.yaml components, dictionary/bundleComponent.yaml; a
// component is AssortmentWithoutBundle, so bundles do not nest).

// BundleSpec describes a bundle to add.
type BundleSpec struct {
	Name, Article, Code, ExternalCode string
	Barcodes                          []string
	Components                        []ComponentSpec
}

// ComponentSpec is one component: a product, variant or service id and
// how many one bundle holds.
type ComponentSpec struct {
	AssortmentID string
	Quantity     float64
}

// AddBundle adds a bundle in MoySklad's shape; its components are read at
// GET /entity/bundle/{id}/components.
func (s *Server) AddBundle(b BundleSpec) (moysklad.Product, error) {
	s.mu.Lock()
	id := newID()
	var comps []any
	for _, c := range b.Components {
		a, typ := s.assortmentByID(c.AssortmentID)
		if a == nil || typ == "bundle" { // AssortmentWithoutBundle
			s.mu.Unlock()
			return moysklad.Product{}, fmt.Errorf("moyskladtest: component %s is not a product, variant or service", c.AssortmentID)
		}
		cid := newID()
		comps = append(comps, object{"meta": object{"href": s.base + "/entity/bundle/" + id + "/components/" + cid,
			"type": "bundlecomponent", "mediaType": "application/json"}, "id": cid, "accountId": s.account,
			"quantity": c.Quantity, "assortment": object{"meta": clone(a["meta"])}})
	}
	if b.ExternalCode == "" {
		b.ExternalCode = id[:8]
	}
	e := object{"meta": s.meta("bundle", id), "id": id, "accountId": s.account, "updated": now(),
		"name": b.Name, "code": b.Code, "externalCode": b.ExternalCode, "archived": false, "shared": true,
		"pathName": "", "vat": 20, "vatEnabled": true, "useParentVat": true, "effectiveVat": 20, "effectiveVatEnabled": true,
		"discountProhibited": false, "barcodes": barcodes(b.Barcodes),
		"components": object{"meta": object{"href": s.base + "/entity/bundle/" + id + "/components",
			"type": "bundlecomponent", "mediaType": "application/json", "size": len(comps), "limit": 1000, "offset": 0}}}
	if b.Article != "" {
		e["article"] = b.Article
	}
	s.put1("bundle", id, e)
	s.components[id] = comps
	s.mu.Unlock()
	var out moysklad.Product
	decodeInto(e, &out)
	return out, nil
}

// listComponents answers GET /entity/bundle/{id}/components (spec
// paths/dictionaries/bundles/bundle-components.yaml): a list with limit and
// offset, expand=assortment replacing each component's item.
func (s *Server) listComponents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	expand := expandSet(r)["assortment"] && limit <= 100 // §4.3: expand only on pages ≤ 100
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, found := s.entities["bundle"][id]; !found {
		notFound(w, "bundle", id)
		return
	}
	comps := s.components[id]
	var out []any
	for i := offset; i < len(comps) && i < offset+limit; i++ {
		c := clone(comps[i].(object))
		if expand {
			if a := s.assortmentOf(c["assortment"]); a != nil {
				c["assortment"] = clone(a)
			}
		}
		out = append(out, c)
	}
	writeJSON(w, http.StatusOK, object{"meta": object{"href": s.base + "/entity/bundle/" + id + "/components",
		"type": "bundlecomponent", "mediaType": "application/json", "size": len(comps), "limit": limit, "offset": offset},
		"rows": nonNil(out)})
}
