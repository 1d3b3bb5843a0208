package moyskladtest

import (
	"net/http"
	"strings"
	"time"
)

// MoySklad disables a user's API access for "more than 100 PUT requests per
// minute to the same entity" during the last hour; access comes back only
// through support (moysklad.md §1, §5.3; doc md/_restrictions.md
// «Автоматическое отключение доступа»). The emulator counts the PUTs of
// each entity in a rolling minute and remembers the highest count
// (MaxPutsPerMinute), so tests can show a client stays under the bound.
// With Options.DisableOnPutFlood the 101st PUT and every request after it
// are answered 403.
//
// The emulator's choices where the doc is silent: a PUT counts once it is
// past auth and the rate limits (a 429 is not a request MoySklad ran);
// "the same entity" is the PUT's path, so PUT entity/{type}/new (a
// template, no entity) does not count; an element of a mass update is not
// a PUT request and does not count (batch.go); the answer is 403 with
// 1061, the doc's code for a user without API access (md/_errors.md).

// putFloodLimit is the PUTs one entity may take in putFloodWindow.
const (
	putFloodLimit  = 100
	putFloodWindow = time.Minute
)

// codeNoAPIAccess is md/_errors.md's 1061 "Отсутствует доступ к API для
// данного пользователя".
const codeNoAPIAccess = 1061

// countPut counts a PUT to path and reports whether it floods the entity
// with DisableOnPutFlood on, which disables the API from then on.
func (s *Server) countPut(method, path string) bool {
	if method != http.MethodPut || strings.HasSuffix(path, "/new") {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	times := s.putTimes[path]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= putFloodWindow {
		i++
	}
	times = append(times[i:], now)
	s.putTimes[path] = times
	s.maxPuts = max(s.maxPuts, len(times))
	if len(times) > putFloodLimit && s.opts.DisableOnPutFlood {
		s.apiDisabled = true
	}
	return s.apiDisabled
}

// disabled reports the API disabled for the user.
func (s *Server) disabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiDisabled
}

func writeDisabled(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, apiError(codeNoAPIAccess,
		"Отсутствует доступ к API для данного пользователя: доступ отключён автоматически — более 100 PUT-запросов "+
			"к одной сущности за минуту; восстановить доступ можно через поддержку МоегоСклада", ""))
}

// MaxPutsPerMinute is the most PUT requests any one entity took within a
// minute so far.
func (s *Server) MaxPutsPerMinute() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxPuts
}

// APIDisabled reports whether the emulator disabled the API for a PUT
// flood (Options.DisableOnPutFlood).
func (s *Server) APIDisabled() bool { return s.disabled() }

// RestoreAPI enables the API again, as MoySklad's support would, and
// forgets the PUTs counted so far.
func (s *Server) RestoreAPI() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiDisabled = false
	s.putTimes = map[string][]time.Time{}
}
