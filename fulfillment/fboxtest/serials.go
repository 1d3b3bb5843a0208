package fboxtest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/skladflow/skladflow/fulfillment"
)

// getSerials answers GET /outdocs/{outdoc_id}/good_sn: the serial numbers
// the document moved (fbox-openapi.yaml common_interface_outdoc_good_sn;
// good_id, qual_type, good_sn and inout are required in every entry).
func (s *Server) getSerials(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 32) // outdoc_id is int32
	if err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Неверный номер документа")
		return
	}
	s.mu.Lock()
	_, found := s.outdocs[id]
	moves := append([]fulfillment.SerialMove{}, s.serials[id]...)
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Документ не найден")
		return
	}
	ok(w, map[string]any{"good_sn": moves})
}

// SetSerials records, as the warehouse's scanners do, the serial numbers
// of units an outgoing document moved. Each goes in with the document's
// direction (a receipt: arrivals) unless InOut is set.
func (s *Server) SetSerials(outdocID int64, moves ...fulfillment.SerialMove) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, found := s.outdocs[outdocID]; !found {
		return fmt.Errorf("fboxtest: no outdoc %d", outdocID)
	}
	for i, m := range moves {
		if m.GoodID == "" || m.GoodSN == "" {
			return fmt.Errorf("fboxtest: serial %d: good_id and good_sn are required", i)
		}
		if m.QualType == "" {
			moves[i].QualType = fulfillment.QualUseful
		}
		if m.InOut == 0 {
			moves[i].InOut = fulfillment.SerialIn
		}
	}
	if s.serials == nil {
		s.serials = map[int64][]fulfillment.SerialMove{}
	}
	s.serials[outdocID] = append(s.serials[outdocID], moves...)
	return nil
}
