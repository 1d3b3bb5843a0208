package moyskladtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

// guard is what MoySklad checks before any handler: gzip, auth, the
// parallel and the time-based limits, and injected faults.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		path := strings.TrimPrefix(r.URL.Path, "/api/remap/1.2")
		authed := r.Header.Get("Authorization") == "Bearer "+s.opts.Token
		r, note := withNote(r)
		defer func() {
			s.mu.Lock()
			s.requests = append(s.requests, Request{Method: r.Method, Path: path, RawQuery: r.URL.RawQuery,
				Status: rec.status, DisableByPrefix: r.Header.Values("X-Lognex-WebHook-DisableByPrefix"), Auth: authed,
				Mass: note.mass, Elements: note.elements})
			s.mu.Unlock()
		}()
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			rec.WriteHeader(http.StatusUnsupportedMediaType) // empty body, as MoySklad
			return
		}
		if !authed {
			writeError(rec, http.StatusUnauthorized, apiError(1056,
				"Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации", ""))
			return
		}
		if s.disabled() { // flood.go
			writeDisabled(rec)
			return
		}
		if bad := badPrefix(r.Header.Values("X-Lognex-WebHook-DisableByPrefix")); bad != "" {
			writeError(rec, http.StatusBadRequest, apiError(0, "Некорректное значение заголовка X-Lognex-WebHook-DisableByPrefix: '"+bad+
				"'. Префикс должен содержать протокол и доменное имя целиком", "X-Lognex-WebHook-DisableByPrefix"))
			return
		}
		if !s.enter() {
			rec.Header().Set("X-Lognex-Auth", "429005")
			s.countLimited()
			writeError(rec, http.StatusTooManyRequests, apiError(1073,
				"Превышено ограничение на одновременное количество запросов", ""))
			return
		}
		defer s.leave()
		if wait, ok := s.admit(rec.Header(), s.weight(r.Method, path)); !ok {
			rec.Header().Set("X-Lognex-Retry-After", strconv.FormatInt(wait.Milliseconds(), 10))
			s.countLimited()
			writeError(rec, http.StatusTooManyRequests, apiError(1049,
				"Превышено ограничение на количество запросов в единицу времени", ""))
			return
		}
		if s.countPut(r.Method, path) {
			writeDisabled(rec)
			return
		}
		if f, ok := s.takeFault(r.Method, path); ok {
			if f.Status == http.StatusTooManyRequests {
				s.countLimited()
				if f.RetryAfter > 0 {
					rec.Header().Set("X-Lognex-Retry-After", strconv.FormatInt(f.RetryAfter.Milliseconds(), 10))
				} else {
					rec.Header().Set("X-Lognex-Auth", "429005")
				}
			}
			msg := f.Message
			if msg == "" {
				msg = http.StatusText(f.Status)
			}
			writeError(rec, f.Status, apiError(f.Code, msg, ""))
			return
		}
		s.serveOrDrop(next, w, rec, r)
	})
}

func (s *Server) countLimited() {
	s.mu.Lock()
	s.limited++
	s.mu.Unlock()
}

func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight >= s.opts.MaxParallel {
		return false
	}
	s.inflight++
	return true
}

func (s *Server) leave() {
	s.mu.Lock()
	s.inflight--
	s.mu.Unlock()
}

// charge is the units one request took at a time.
type charge struct {
	at    time.Time
	units int
}

// weight is the units a request takes: RequestWeight, and a stock report
// reportWeight whatever the auth (moysklad.md §5.3; report.go).
func (s *Server) weight(method, path string) int {
	if isReport(method, path) {
		return reportWeight
	}
	return s.opts.RequestWeight
}

// admit applies the time-based limit to a request of w units and sets the
// rate-limit headers MoySklad sends on every answer (times in
// milliseconds). Since 2026 the bucket is counted in units and a request
// takes RequestWeight of them, a stock report 5 (moysklad.md §5.3,
// md/_restrictions.md, whose own example calls the units "запросы" of the
// bucket). The headers are documented as "requests" (md/_general.md);
// that they count the bucket's units is unconfirmed: here X-RateLimit-Limit
// is the bucket and X-RateLimit-Remaining the units left.
func (s *Server) admit(h http.Header, w int) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit, interval := s.opts.RateLimit, s.opts.RateInterval
	if limit < 0 {
		return 0, true
	}
	now := time.Now()
	keep := s.window[:0]
	used := 0
	for _, c := range s.window {
		if now.Sub(c.at) < interval {
			keep = append(keep, c)
			used += c.units
		}
	}
	s.window = keep
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-Lognex-Retry-TimeInterval", strconv.FormatInt(interval.Milliseconds(), 10))
	if used+w > limit {
		wait := s.freeIn(now, used+w-limit)
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(limit-used, 0)))
		h.Set("X-Lognex-Reset", strconv.FormatInt(wait.Milliseconds(), 10))
		return wait, false
	}
	s.window = append(s.window, charge{at: now, units: w})
	used += w
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-used))
	reset := time.Duration(0)
	if used+w > limit { // the next request would be refused
		reset = s.freeIn(now, used+w-limit)
	}
	h.Set("X-Lognex-Reset", strconv.FormatInt(reset.Milliseconds(), 10))
	return 0, true
}

// freeIn is when at least units leave the window; it runs under s.mu.
func (s *Server) freeIn(now time.Time, units int) time.Duration {
	for _, c := range s.window {
		units -= c.units
		if units <= 0 {
			return s.opts.RateInterval - now.Sub(c.at)
		}
	}
	return s.opts.RateInterval
}

func (s *Server) takeFault(method, path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.Contains(path, f.PathContains) {
			s.faults[i].Count--
			if s.faults[i].Count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f, true
		}
	}
	return Fault{}, false
}

// FailNext makes the next f.Count matching requests fail.
func (s *Server) FailNext(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// SetRateLimit changes the time-based limit.
func (s *Server) SetRateLimit(limit int, interval time.Duration) {
	s.mu.Lock()
	s.opts.RateLimit, s.opts.RateInterval = limit, interval
	s.window = nil
	s.mu.Unlock()
}

// Requests lists the requests answered so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RateLimited counts 429 answers.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}
