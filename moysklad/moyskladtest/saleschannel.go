package moyskladtest

import "github.com/skladflow/skladflow/moysklad"

// AddSalesChannel adds a sales channel (канал продаж) in MoySklad's shape
// (spec components/schemas/dictionary/salesChannel.yaml). A shop selling
// through several channels tells them apart by it; its code is free text
// staff fill in.
func (s *Server) AddSalesChannel(name, code string) moysklad.Ref {
	id := newID()
	e := object{"meta": s.meta("saleschannel", id), "id": id, "accountId": s.account, "updated": now(),
		"name": name, "code": code, "externalCode": id[:8], "archived": false, "shared": true,
		"type": "OTHER", "description": ""}
	s.mu.Lock()
	s.put1("saleschannel", id, e)
	s.mu.Unlock()
	return moysklad.Ref{Meta: moysklad.Meta{Href: s.base + "/entity/saleschannel/" + id, Type: "saleschannel", MediaType: "application/json"}}
}
