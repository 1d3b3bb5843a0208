package fulfillment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Moscow is the zone of FBox answers. Moscow has kept UTC+3 all year since
// 2014, so a fixed zone avoids depending on the host's tzdata.
var Moscow = time.FixedZone("MSK", 3*60*60)

// Layouts FBox answers with: a date, or a date-time without an offset, both
// in Moscow time.
const (
	DateLayout     = "2006-01-02"
	DateTimeLayout = "2006-01-02T15:04:05"
)

// Date is an FBox date or date-time. It is written back as Moscow time
// without an offset, as FBox writes it; requests may also carry RFC 3339.
type Date struct{ time.Time }

// ParseDate accepts FBox's two answer layouts (Moscow time) and RFC 3339.
func ParseDate(s string) (Date, error) {
	for _, layout := range []string{DateTimeLayout, DateLayout} {
		if t, err := time.ParseInLocation(layout, s, Moscow); err == nil {
			return Date{t}, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Date{t}, nil
	}
	return Date{}, fmt.Errorf("fulfillment: bad date %q", s)
}

// String formats the date the way FBox answers: Moscow time, no offset.
func (d Date) String() string { return d.In(Moscow).Format(DateTimeLayout) }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("fulfillment: date: %w", err)
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
