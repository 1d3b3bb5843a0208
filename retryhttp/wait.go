package retryhttp

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff is exponential backoff with full jitter: a random wait in
// (0, min(maxWait, minWait·2^attempt)], so clients that failed together do
// not come back together.
func backoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	d := minWait << min(attempt, 30)
	if d <= 0 || d > maxWait {
		d = maxWait
	}
	return jitter(d)
}

// jitter is a random duration in (0, d].
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d) + 1
}

// RetryAfter reads the standard Retry-After header: seconds or an
// HTTP-date. A date in the past asks for no wait.
func RetryAfter(resp *http.Response) (time.Duration, bool) {
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(s, 0)) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

// MillisecondsHeader reads a wait given in milliseconds in the named
// header, as MoySklad's X-Lognex-Retry-After.
func MillisecondsHeader(name string) func(*http.Response) (time.Duration, bool) {
	return func(resp *http.Response) (time.Duration, bool) {
		ms, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get(name)))
		if err != nil || ms < 0 {
			return 0, false
		}
		return time.Duration(ms) * time.Millisecond, true
	}
}
