package fboxtest

import (
	"net/http"
	"slices"

	"github.com/skladflow/skladflow/fulfillment"
)

// AddUnknown makes the warehouse receive, against a task, items whose
// barcode it does not know: they wait under GET /goods/recognition
// (#recognition_desc, fbox.md §6).
func (s *Server) AddUnknown(indocID, barcode, descrip string, qnt int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unknown = append(s.unknown, fulfillment.Unrecognized{Barcode: barcode, Descrip: descrip, Length: 200, Width: 150, Height: 100, Weight: 800,
		Indocs: []fulfillment.UnrecognizedIndoc{{IndocID: indocID, QualType: "useful", Qnt: qnt}}})
}

// Identify removes an item from the recognition list, as if the customer
// had mapped its barcode to a good.
func (s *Server) Identify(barcode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unknown = slices.DeleteFunc(s.unknown, func(u fulfillment.Unrecognized) bool { return u.Barcode == barcode })
}

func (s *Server) listUnrecognized(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	items := slices.Clone(s.unknown)
	s.mu.Unlock()
	if items == nil {
		items = []fulfillment.Unrecognized{}
	}
	ok(w, map[string]any{"items": items})
}

// unidentified reports whether unknown goods of a task wait: the warehouse
// cannot complete its receipt until they are identified (#recognition_desc).
// It runs under s.mu.
func (s *Server) unidentified(indocID string) bool {
	for _, u := range s.unknown {
		for _, in := range u.Indocs {
			if in.IndocID == indocID {
				return true
			}
		}
	}
	return false
}

// identifyBound removes from the recognition list the items whose barcode
// the customer has now bound to a good: fbox.md §6 (#recognition_desc)
// "maps them with POST /goods/recognition, or adds the barcode as an EAN".
// It runs under s.mu.
func (s *Server) identifyBound() {
	s.unknown = slices.DeleteFunc(s.unknown, func(u fulfillment.Unrecognized) bool {
		_, bound := s.cat.eans[u.Barcode]
		return bound
	})
}

// Unknown lists the items waiting for identification, as GET
// /goods/recognition would.
func (s *Server) Unknown() []fulfillment.Unrecognized {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unknown)
}
