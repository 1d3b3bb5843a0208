package moyskladtest

import (
	"fmt"
	"net/http"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

// A closed period («закрытый период», moysklad.md §4.4: 17009 "date in
// closed period"): posted documents dated before the closing date can be
// neither created, posted, changed nor un-posted; drafts can. The HTTP
// status is not documented; 412 (components/responses.yaml
// PreconditionFailed: "Ошибка валидации или ограничения (… бизнес-правила)")
// is the emulator's choice, as for the other 17xxx refusals (stock.go,
// posting.go).
const codeClosedPeriod = 17009

// ClosePeriod closes the period before until, as an administrator would in
// the settings; the zero time reopens it.
func (s *Server) ClosePeriod(until time.Time) {
	s.mu.Lock()
	s.closedUntil = until
	s.mu.Unlock()
}

// checkPeriod refuses a version that touches a posted document in the
// closed period: the stored version (when there is one) posted and dated
// before the closing date, or the new one. It runs under s.mu.
func (s *Server) checkPeriod(typ string, old, next object) (int, object) {
	if s.closedUntil.IsZero() {
		return 0, nil
	}
	id, _ := old["id"].(string)
	stored := id != "" && s.stored(typ, id)
	if !(stored && s.inClosedPeriod(old)) && !s.inClosedPeriod(next) {
		return 0, nil
	}
	return http.StatusPreconditionFailed, apiError(codeClosedPeriod, fmt.Sprintf(
		"Нельзя изменить проведённый документ в закрытом периоде: период закрыт по %s",
		s.closedUntil.In(moysklad.Moscow).Format(moysklad.MomentLayoutSeconds)), "moment")
}

// inClosedPeriod reports a posted version dated before the closing date.
// A moment that does not parse is left to the other checks. It runs under
// s.mu.
func (s *Server) inClosedPeriod(doc object) bool {
	posted, _ := doc["applicable"].(bool)
	raw, _ := doc["moment"].(string)
	m, err := moysklad.ParseMoment(raw)
	return posted && err == nil && m.Before(s.closedUntil)
}

// stored reports a document saved before (a POST checks a new document
// against the empty one it starts from, which is not stored). It runs
// under s.mu.
func (s *Server) stored(typ, id string) bool {
	for _, v := range s.order[typ] {
		if v == id {
			return true
		}
	}
	return false
}
