package fboxtest

import (
	"fmt"
	"net/http"
	"time"
)

// quota is one FBox limit as the spec describes it (#rl_desc): a token
// bucket that holds up to max, refills max per minute and loses one per
// request. A request that drives it below zero is still served; the next
// one may come only when it is back at zero.
type quota struct {
	level float64
	at    time.Time
}

// take charges one request at now. wait > 0 with ok false: refused, come
// back after wait. ok true: served, and after is how long the next request
// must wait (the X-RateLimit-Reset of a successful answer).
func (q *quota) take(now time.Time, max int) (wait time.Duration, ok bool) {
	q.refill(now, max)
	perSec := float64(max) / 60
	if q.level < 0 {
		return time.Duration(-q.level / perSec * float64(time.Second)), false
	}
	q.level--
	if q.level < 0 {
		return time.Duration(-q.level / perSec * float64(time.Second)), true
	}
	return 0, true
}

// charge takes one without refusing (a 4xx answer counted in err_qnt).
func (q *quota) charge(now time.Time, max int) {
	q.refill(now, max)
	q.level--
}

// exhausted is the wait before the quota is back at zero, 0 if it is.
func (q *quota) exhausted(now time.Time, max int) time.Duration {
	q.refill(now, max)
	if q.level >= 0 {
		return 0
	}
	return time.Duration(-q.level / (float64(max) / 60) * float64(time.Second))
}

func (q *quota) refill(now time.Time, max int) {
	if q.at.IsZero() {
		q.level, q.at = float64(max), now
		return
	}
	q.level = min(float64(max), q.level+now.Sub(q.at).Seconds()*float64(max)/60)
	q.at = now
}

// seconds is a wait as the headers carry it: whole seconds, rounded up so
// that a client waiting that long is never early.
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// limit answers 429 when a quota is exhausted (req_qnt, or err_qnt: the 4xx
// answers), with X-RateLimit-Reset, X-RateLimit-Remaining: 0 and Retry-After
// as #rl_desc lists them. Otherwise it charges the request and returns the
// X-RateLimit-Reset of the successful answer.
func (s *Server) limit(w http.ResponseWriter) (reset int, ok bool) {
	s.mu.Lock()
	now := s.opts.Now()
	var wait time.Duration
	name, what := "", ""
	if s.opts.ErrLimit > 0 {
		if wait = s.errQ.exhausted(now, s.opts.ErrLimit); wait > 0 {
			name, what = "err_qnt", "суммарное количество ошибочных запросов (status code 4XX)"
		}
	}
	after := time.Duration(0)
	if name == "" && s.opts.RateLimit > 0 {
		var served bool
		if after, served = s.reqQ.take(now, s.opts.RateLimit); !served {
			wait, name, what = after, "req_qnt", "суммарное количество запросов"
		}
	}
	s.mu.Unlock()
	if name != "" {
		secs := fmt.Sprint(seconds(wait))
		w.Header().Set("X-RateLimit-Reset", secs)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Retry-After", secs)
		s.fail(w, http.StatusTooManyRequests, 429, fmt.Sprintf("Превышен лимит %s на %s. Выполните запрос через %s секунд", name, what, secs))
		return 0, false
	}
	return seconds(after), true
}

// countError records a 4xx answer: err_qnt counts them (#rl_desc).
func (s *Server) countError(status int) {
	if status < 400 || status > 499 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors++
	if s.opts.ErrLimit > 0 {
		s.errQ.charge(s.opts.Now(), s.opts.ErrLimit)
	}
}

// Errors counts 4xx answers, what the warehouse's err_qnt quota counts.
func (s *Server) Errors() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errors
}
