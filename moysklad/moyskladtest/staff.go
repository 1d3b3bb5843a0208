package moyskladtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/skladflow/skladflow/moysklad"
)

// Real response bodies from MoySklad's official spec: new entities are made
// from them, so clients meet every field the real API sends.
//
//go:embed testdata/*.json
var fixtures embed.FS

func fixture(name string) object {
	b, err := fixtures.ReadFile("testdata/" + name + ".json")
	if err != nil {
		panic(err)
	}
	var o object
	if err := json.Unmarshal(b, &o); err != nil {
		panic(err)
	}
	return o
}

func decodeInto(v any, out any) {
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, out)
}

func (s *Server) put1(typ, id string, e object) {
	if s.entities[typ] == nil {
		s.entities[typ] = map[string]object{}
	}
	s.entities[typ][id] = e
	s.order[typ] = append(s.order[typ], id)
}

// AddStore adds a store.
func (s *Server) AddStore(name string) moysklad.Store {
	id := newID()
	e := fixture("store")
	e["meta"], e["id"], e["accountId"], e["name"], e["updated"] = s.meta("store", id), id, s.account, name, now()
	e["pathName"], e["externalCode"] = "", newID()[:8]
	s.mu.Lock()
	s.put1("store", id, e)
	s.mu.Unlock()
	var st moysklad.Store
	decodeInto(e, &st)
	return st
}

// AddProduct adds a product.
func (s *Server) AddProduct(p ProductSpec) moysklad.Product {
	id := newID()
	e := fixture("product")
	e["meta"], e["id"], e["accountId"], e["name"], e["updated"] = s.meta("product", id), id, s.account, p.Name, now()
	e["code"], e["externalCode"], e["weight"] = p.Code, p.ExternalCode, p.Weight
	e["isSerialTrackable"] = p.SerialTrackable
	e["weighed"] = p.Weighed
	if p.VAT != nil {
		e["vat"], e["effectiveVat"] = *p.VAT, *p.VAT
	}
	if p.NoVAT {
		e["vatEnabled"], e["effectiveVatEnabled"] = false, false
	}
	if p.ExternalCode == "" {
		e["externalCode"] = id[:8]
	}
	if p.Article != "" {
		e["article"] = p.Article
	} else {
		delete(e, "article")
	}
	e["barcodes"] = barcodes(p.Barcodes)
	s.mu.Lock()
	s.put1("product", id, e)
	s.mu.Unlock()
	var out moysklad.Product
	decodeInto(e, &out)
	return out
}

// CounterpartySpec describes a counterparty to add.
type CounterpartySpec struct {
	Name, Phone, Email string
}

// AddCounterparty adds a counterparty (a buyer).
func (s *Server) AddCounterparty(c CounterpartySpec) moysklad.Counterparty {
	id := newID()
	e := fixture("counterparty")
	e["meta"], e["id"], e["accountId"], e["name"], e["updated"] = s.meta("counterparty", id), id, s.account, c.Name, now()
	e["phone"], e["email"], e["externalCode"] = c.Phone, c.Email, id[:8]
	for _, k := range []string{"accounts", "contactpersons", "notes", "state", "priceType", "attributes", "files"} {
		delete(e, k)
	}
	s.mu.Lock()
	s.put1("counterparty", id, e)
	s.mu.Unlock()
	var out moysklad.Counterparty
	decodeInto(e, &out)
	return out
}

// addressLine writes an address as MoySklad composes shipmentAddress.
func addressLine(a moysklad.Address) string {
	var parts []string
	add := func(prefix, v string) {
		if v != "" {
			parts = append(parts, prefix+v)
		}
	}
	add("", a.PostalCode)
	add("г ", a.City)
	add("", a.Street)
	add("д ", a.House)
	add("кв ", a.Apartment)
	add("", a.AddInfo)
	return strings.Join(parts, ", ")
}

// CreateDocument creates a document (supply, move, demand, customer order,
// purchase return, …) as staff would; it fires CREATE. It refuses what
// MoySklad would refuse, posting included (posting.go).
func (s *Server) CreateDocument(entityType string, spec DocumentSpec) (moysklad.Document, error) {
	posType, ok := documentTypes[entityType]
	if !ok {
		return moysklad.Document{}, fmt.Errorf("moyskladtest: cannot create %s", entityType)
	}
	id := newID()
	e := fixture(entityType)
	delete(e, "positions")
	e["meta"], e["id"], e["accountId"] = s.meta(entityType, id), id, s.account
	e["name"], e["description"], e["applicable"] = spec.Name, spec.Description, false
	e["created"], e["updated"], e["moment"] = now(), now(), now()
	e["externalCode"], e["syncId"] = id[:12], id // the fixture's syncId is shared; POST keeps it unique
	for _, k := range []string{"state", "attributes", "shipmentAddress", "shipmentAddressFull", "demands", "moves",
		"payments", "purchaseOrders", "invoicesOut", "productionTasks", "prepayments", "customerOrder", "files",
		"supply", "demand", "salesReturn", "salesChannel", "reservedSum", "shippedSum"} {
		delete(e, k)
	}
	created := false
	s.mu.Lock()
	defer func() {
		if created {
			s.fire(entityType, id, "CREATE", nil, s.opts.StaffUser, nil)
		}
	}()
	defer s.mu.Unlock()
	ref := func(storeID string) (object, error) {
		if _, ok := s.entities["store"][storeID]; !ok {
			return nil, fmt.Errorf("moyskladtest: no store %s", storeID)
		}
		return object{"meta": s.meta("store", storeID)}, nil
	}
	var err error
	switch entityType {
	case "demand", "customerorder", "purchasereturn":
		if _, ok := s.entities["counterparty"][spec.Agent]; !ok {
			return moysklad.Document{}, fmt.Errorf("moyskladtest: %s needs an agent (counterparty), got %q", entityType, spec.Agent)
		}
		e["agent"] = object{"meta": s.meta("counterparty", spec.Agent)}
		if spec.ShipmentAddress != nil {
			e["shipmentAddress"], e["shipmentAddressFull"] = addressLine(*spec.ShipmentAddress), clone(*spec.ShipmentAddress)
		}
		delete(e, "store")
		if spec.Store != "" || entityType == "purchasereturn" { // moysklad.md §4.1: a purchasereturn's store is required
			if e["store"], err = ref(spec.Store); err != nil {
				return moysklad.Document{}, err
			}
		}
	case "supply", "enter", "loss", "salesreturn":
		if e["store"], err = ref(spec.Store); err != nil {
			return moysklad.Document{}, err
		}
	case "move":
		if e["sourceStore"], err = ref(spec.SourceStore); err != nil {
			return moysklad.Document{}, err
		}
		if e["targetStore"], err = ref(spec.TargetStore); err != nil {
			return moysklad.Document{}, err
		}
	}
	if err := s.staffLinks(entityType, e, spec); err != nil {
		return moysklad.Document{}, err
	}
	var rows []object
	sum := 0.0
	for i, p := range spec.Positions {
		_, typ := s.assortmentByID(p.ProductID)
		if typ == "" {
			return moysklad.Document{}, fmt.Errorf("moyskladtest: no product, variant or service %s", p.ProductID)
		}
		if typ == "bundle" && entityType != "demand" && entityType != "customerorder" {
			// Reference §4.2: only demand and customerorder lines may be bundles.
			return moysklad.Document{}, fmt.Errorf("moyskladtest: a %s line cannot be a bundle", entityType)
		}
		things := []any{}
		for _, t := range p.Things {
			things = append(things, t)
		}
		pid := newID()
		row := object{
			"meta": object{"href": s.base + "/entity/" + entityType + "/" + id + "/positions/" + pid,
				"type": posType, "mediaType": "application/json"},
			"id": pid, "accountId": s.account, "quantity": p.Quantity, "price": p.Price,
			"discount": p.Discount, "vat": 20, "vatEnabled": true, "overhead": 0,
			"assortment": object{"meta": s.meta(typ, p.ProductID)},
			"things":     things,
		}
		if entityType == "customerorder" {
			row["reserve"] = p.Reserve
		}
		// MoySklad's own UI saves no line it would refuse through the API.
		if e := s.checkRow(i, row); e != nil {
			return moysklad.Document{}, fmt.Errorf("moyskladtest: %v", e["error"])
		}
		rows = append(rows, row)
		sum += p.Price * p.Quantity
	}
	e["sum"] = sum
	if spec.State != "" {
		st := s.findState(entityType, spec.State)
		if st == nil {
			return moysklad.Document{}, fmt.Errorf("moyskladtest: no status %q for %s", spec.State, entityType)
		}
		e["state"] = object{"meta": st["meta"]}
	}
	e["applicable"] = spec.Applicable
	if _, errObj := s.checkPosting(entityType, object{}, e, nil, rows); errObj != nil {
		return moysklad.Document{}, fmt.Errorf("moyskladtest: код %v: %v", errObj["code"], errObj["error"])
	}
	s.put1(entityType, id, e)
	s.positions[entityType+"/"+id] = rows
	created = true
	out, _ := s.render(entityType, id, map[string]bool{"state": true, "positions": true, "positions.assortment": true})
	var d moysklad.Document
	decodeInto(out, &d)
	return d, nil
}

func (s *Server) findState(typ, name string) object {
	for _, st := range s.states[typ] {
		if st["name"] == name {
			return st
		}
	}
	return nil
}

// SetState sets a document's status as staff would; it fires UPDATE with
// updatedFields ["state"].
func (s *Server) SetState(entityType, id, stateName string) error {
	s.mu.Lock()
	st := s.findState(entityType, stateName)
	e, ok := s.entities[entityType][id]
	if st == nil || !ok {
		s.mu.Unlock()
		return fmt.Errorf("moyskladtest: no %s %s or status %q", entityType, id, stateName)
	}
	e["state"] = object{"meta": clone(st["meta"])}
	e["updated"] = now()
	s.mu.Unlock()
	s.fire(entityType, id, "UPDATE", []string{"state"}, s.opts.StaffUser, nil)
	return nil
}

// SetStates sets the status of many documents at once, as staff do by
// selecting them in a list: one notification carries every change
// (moysklad.md §2.2: events may hold several).
func (s *Server) SetStates(entityType string, ids []string, stateName string) error {
	s.mu.Lock()
	st := s.findState(entityType, stateName)
	if st == nil {
		s.mu.Unlock()
		return fmt.Errorf("moyskladtest: no status %q for %s", stateName, entityType)
	}
	for _, id := range ids {
		if _, ok := s.entities[entityType][id]; !ok {
			s.mu.Unlock()
			return fmt.Errorf("moyskladtest: no %s %s", entityType, id)
		}
	}
	for _, id := range ids {
		e := s.entities[entityType][id]
		e["state"] = object{"meta": clone(st["meta"])}
		e["updated"] = now()
	}
	s.mu.Unlock()
	s.fireMany(entityType, ids, "UPDATE", []string{"state"}, s.opts.StaffUser, nil)
	return nil
}

// EditAssortment changes fields of a product, variant or bundle as staff
// would (an edited article, a new barcode: fields in the API's shape, e.g.
// "barcodes": []any{map[string]any{"ean13": "…"}}); it fires UPDATE with
// the fields' names.
func (s *Server) EditAssortment(id string, fields map[string]any) error {
	s.mu.Lock()
	e, typ := s.assortmentByID(id)
	if e == nil {
		s.mu.Unlock()
		return fmt.Errorf("moyskladtest: no assortment item %s", id)
	}
	var names []string
	for k, v := range fields {
		if v == nil {
			delete(e, k) // MoySklad leaves an emptied field out
		} else {
			var val any
			decodeInto(v, &val) // the stored shape is decoded JSON
			e[k] = val
		}
		names = append(names, k)
	}
	e["updated"] = now()
	s.mu.Unlock()
	s.fire(typ, id, "UPDATE", names, s.opts.StaffUser, nil)
	return nil
}

// SetDescription changes a document's comment as staff would.
func (s *Server) SetDescription(entityType, id, text string) error {
	s.mu.Lock()
	e, ok := s.entities[entityType][id]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("moyskladtest: no %s %s", entityType, id)
	}
	e["description"] = text
	e["updated"] = now()
	s.mu.Unlock()
	s.fire(entityType, id, "UPDATE", []string{"description"}, s.opts.StaffUser, nil)
	return nil
}

// Document returns a document as it is now, with state and positions
// (with their products) expanded.
func (s *Server) Document(entityType, id string) (moysklad.Document, error) {
	s.mu.Lock()
	out, ok := s.render(entityType, id, map[string]bool{"state": true, "positions": true, "positions.assortment": true})
	s.mu.Unlock()
	if !ok {
		return moysklad.Document{}, fmt.Errorf("moyskladtest: no %s %s", entityType, id)
	}
	var d moysklad.Document
	decodeInto(out, &d)
	return d, nil
}
