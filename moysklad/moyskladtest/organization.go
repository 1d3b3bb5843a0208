package moyskladtest

import "github.com/skladflow/skladflow/moysklad"

// Organization is the account's legal entity (юрлицо), made on first use
// from the reference fixture. Templates without a base fill it in, as
// MoySklad fills the default organization; organization is required when a
// document is created (moysklad.md §4.1).
func (s *Server) Organization() moysklad.Ref {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ref moysklad.Ref
	decodeInto(s.organization(), &ref)
	return ref
}

// organization returns a reference to the account's organization; it runs
// under s.mu.
func (s *Server) organization() object {
	for _, id := range s.order["organization"] {
		return object{"meta": s.meta("organization", id)}
	}
	id := newID()
	e := fixture("organization")
	e["meta"], e["id"], e["accountId"], e["updated"] = s.meta("organization", id), id, s.account, now()
	delete(e, "accounts")
	s.put1("organization", id, e)
	return object{"meta": s.meta("organization", id)}
}
