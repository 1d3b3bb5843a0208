package moyskladtest

import "net/http"

// deleteDocument answers DELETE /entity/{type}/{id} (spec paths/documents/
// <types>/<type>-by-id.yaml, "delete": 200, no body). The document's lines
// go with it, so its stock movements and its link to a customer order end
// too (stock.go, links.go); subscribers get DELETE.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	s.mu.Lock()
	_, isDoc := documentTypes[typ]
	if _, found := s.entities[typ][id]; !isDoc || !found {
		s.mu.Unlock()
		notFound(w, typ, id)
		return
	}
	delete(s.entities[typ], id)
	delete(s.positions, typ+"/"+id)
	for i, v := range s.order[typ] {
		if v == id {
			s.order[typ] = append(s.order[typ][:i:i], s.order[typ][i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	s.fire(typ, id, "DELETE", nil, s.opts.APIUser, r.Header.Values("X-Lognex-WebHook-DisableByPrefix"))
	w.WriteHeader(http.StatusOK)
}
