package fboxtest

import (
	"fmt"
	"maps"
	"slices"

	"github.com/skladflow/skladflow/fulfillment"
)

// Serial numbers of the units the warehouse holds (#good_sn_desc: the
// warehouse scans a unit's serial and keeps its stock by serial). The
// emulator knows where each serial-numbered unit is — its good, quality
// and state (#good_move_desc) — from the serial movements of the
// documents that exist now (GET /outdocs/{id}/good_sn), plus the initial
// units a test puts in with AddSerials.
//
// The warehouse's own stock documents (corrections, long-storage moves)
// report the serials of the units they move: common_interface_outdoc_good_sn
// gives per unit good_id, qual_type, good_sn and inout ("1 — прибытие
// экземпляра, −1 — выбытие экземпляра"). A unit that changes cell (quality
// or state: into quarantine, to long storage, useful to defective) leaves
// one cell and arrives at another, as GET /outdocs/{id}/goods reports the
// cells: the emulator reports it as a departure with the quality it had
// and an arrival with the quality it has. Unconfirmed: the spec does not
// say whether a change of state alone is reported, so a client must also
// cope with only one side; good_sn has no good_state, which the client
// takes from the document's goods movement.

// unitMove is a serial's movement with the state the unit left or reached:
// the register needs the state, the API does not carry it.
type unitMove struct {
	fulfillment.SerialMove
	state string
}

// AddSerials puts units with these serial numbers on the shelf (state
// stock) without a document, as the account's initial stock: the stock
// grows by one unit per serial, as with AddStock.
func (s *Server) AddSerials(goodID string, defective bool, serials ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.ord.initial[goodID]
	qual := qualOf(defective)
	if s.initialSerials == nil {
		s.initialSerials = map[string]stockKey{}
	}
	for _, sn := range serials {
		s.initialSerials[sn] = stockKey{goodID, qual, fulfillment.GoodStateStock}
		if defective {
			l.defective++
		} else {
			l.useful++
		}
	}
	s.ord.initial[goodID] = l
}

// SerialsAt are the serial numbers of a good's units in one quality and
// state now, sorted.
func (s *Server) SerialsAt(goodID, qual, state string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serialsIn(s.unitRegister(), stockKey{goodID, qual, state})
}

// unitRegister is where every serial-numbered unit is now: the initial
// units, then the serial movements of the documents that exist, in the
// order they were issued; under s.mu. A document issued before the
// emulator knew states (a receipt, a return) brings its units into stock.
func (s *Server) unitRegister() map[string]stockKey {
	at := maps.Clone(s.initialSerials)
	if at == nil {
		at = map[string]stockKey{}
	}
	ids := slices.Sorted(maps.Keys(s.outdocs))
	for _, id := range ids {
		units := s.outdocs[id].units
		if units == nil {
			for _, m := range s.serials[id] {
				units = append(units, unitMove{m, fulfillment.GoodStateStock})
			}
		}
		for _, u := range units {
			k := stockKey{u.GoodID, u.QualType, u.state}
			switch {
			case u.InOut == fulfillment.SerialOut && at[u.GoodSN] == k:
				delete(at, u.GoodSN)
			case u.InOut == fulfillment.SerialIn:
				at[u.GoodSN] = k
			}
		}
	}
	return at
}

// serialsIn are the serials of one cell, sorted.
func (s *Server) serialsIn(at map[string]stockKey, k stockKey) []string {
	var out []string
	for sn, c := range at {
		if c == k {
			out = append(out, sn)
		}
	}
	slices.Sort(out)
	return out
}

// unitMoves are the serial movements of a document's moves: a cell's
// departing units are those picked for it (the units the warehouse
// scanned), else the cell's serials in order; a cell's arriving units are
// those picked for it (found units), else the good's departing units of
// the document, in order. Units without a serial are not reported: a cell
// with fewer serials than units reports fewer. picked serials leaving a
// cell must be in it. Under s.mu.
func (s *Server) unitMoves(moves []fulfillment.GoodMove, picked map[stockKey][]string) ([]unitMove, error) {
	at := s.unitRegister()
	var out []unitMove
	departed := map[string][]unitMove{} // good → its departing units not yet arrived
	used := map[string]bool{}
	for _, m := range moves {
		if m.Qnt >= 0 {
			continue
		}
		k := stockKey{m.GoodID, m.QualType, m.GoodState}
		pool, explicit := picked[k]
		if !explicit {
			pool = s.serialsIn(at, k)
		}
		n := -int(m.Qnt)
		for _, sn := range pool {
			if n == 0 {
				break
			}
			if used[sn] {
				continue
			}
			if at[sn] != k {
				return nil, fmt.Errorf("fboxtest: serial %s is not a unit of %s %s in %s", sn, k.good, k.qual, k.state)
			}
			used[sn] = true
			n--
			u := unitMove{fulfillment.SerialMove{GoodID: m.GoodID, QualType: m.QualType, GoodSN: sn, InOut: fulfillment.SerialOut}, m.GoodState}
			out = append(out, u)
			departed[m.GoodID] = append(departed[m.GoodID], u)
		}
	}
	for _, m := range moves {
		if m.Qnt <= 0 {
			continue
		}
		k := stockKey{m.GoodID, m.QualType, m.GoodState}
		n := int(m.Qnt)
		arrive := func(sn string) {
			out = append(out, unitMove{fulfillment.SerialMove{GoodID: m.GoodID, QualType: m.QualType, GoodSN: sn, InOut: fulfillment.SerialIn}, m.GoodState})
			n--
		}
		for _, sn := range picked[k] {
			if n > 0 && !used[sn] {
				used[sn] = true
				arrive(sn)
			}
		}
		for n > 0 && len(departed[m.GoodID]) > 0 {
			arrive(departed[m.GoodID][0].GoodSN)
			departed[m.GoodID] = departed[m.GoodID][1:]
		}
	}
	return out, nil
}

// pickedBody is a body whose lines name the units the warehouse scanned.
type pickedBody interface {
	// picked are the serials of the units a cell gives or takes, under
	// s.mu.
	picked(s *Server) map[stockKey][]string
}

// putUnits records the serial movement of a stock document just put
// (GET /outdocs/{id}/good_sn); under s.mu.
func (s *Server) putUnits(id int64, units []unitMove) {
	o := s.outdocs[id]
	o.units = units
	if o.units == nil {
		o.units = []unitMove{} // non-nil: the register takes the states from here
	}
	var moves []fulfillment.SerialMove
	for _, u := range units {
		moves = append(moves, u.SerialMove)
	}
	if len(moves) == 0 {
		return
	}
	if s.serials == nil {
		s.serials = map[int64][]fulfillment.SerialMove{}
	}
	s.serials[id] = moves
}

// unitsOf are the serial movements of a stock body about to be put: the
// picked units, else the ones the register gives; under s.mu.
func (s *Server) unitsOf(b stockBody) ([]unitMove, error) {
	if _, returns := b.(serialBody); returns {
		return nil, nil // a return's body carries its serials
	}
	var picked map[stockKey][]string
	if p, ok := b.(pickedBody); ok {
		picked = p.picked(s)
	}
	return s.unitMoves(b.moves(), picked)
}
