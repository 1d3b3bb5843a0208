// Package cdek is a client for the CDEK API v2: OAuth client credentials,
// asynchronous order creation, order look-ups, deletion and refusal,
// ORDER_STATUS webhook subscriptions.
package cdek

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Layouts CDEK uses: the doc's "+0700" offsets and RFC 3339 "+03:00".
const (
	layoutCompact = "2006-01-02T15:04:05-0700"
	layoutRFC3339 = time.RFC3339
)

// Time is a CDEK timestamp, with either offset style.
type Time struct{ time.Time }

// ParseTime accepts both CDEK layouts.
func ParseTime(s string) (Time, error) {
	for _, l := range []string{layoutCompact, layoutRFC3339, "2006-01-02T15:04:05.000-0700"} {
		if t, err := time.Parse(l, s); err == nil {
			return Time{t}, nil
		}
	}
	return Time{}, fmt.Errorf("cdek: bad time %q", s)
}

func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Format(layoutCompact))
}

func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if bytes.Equal(b, []byte("null")) || json.Unmarshal(b, &s) == nil && s == "" {
		*t = Time{}
		return nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("cdek: time: %w", err)
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Number is a CDEK number documented as long but sent as a string.
type Number string

func (n *Number) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*n = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*n = Number(s)
		return nil
	}
	var i json.Number
	if err := json.Unmarshal(b, &i); err != nil {
		return fmt.Errorf("cdek: number: %w", err)
	}
	if _, err := strconv.ParseInt(i.String(), 10, 64); err != nil {
		return fmt.Errorf("cdek: number %s: %w", i, err)
	}
	*n = Number(i.String())
	return nil
}
