package moysklad

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Moscow is the zone of every MoySklad timestamp. Moscow has kept UTC+3 all
// year since 2014, so a fixed zone avoids depending on the host's tzdata.
var Moscow = time.FixedZone("MSK", 3*60*60)

// Layouts MoySklad uses: API responses carry milliseconds, webhook
// auditContext.moment does not.
const (
	MomentLayout        = "2006-01-02 15:04:05.000"
	MomentLayoutSeconds = "2006-01-02 15:04:05"
)

// Moment is a MoySklad timestamp: Moscow time without an offset, with or
// without milliseconds. A parsed moment is written back exactly as read.
type Moment struct {
	time.Time
	raw string
}

// ParseMoment parses both MoySklad layouts in Moscow time.
func ParseMoment(s string) (Moment, error) {
	for _, layout := range []string{MomentLayout, MomentLayoutSeconds} {
		if t, err := time.ParseInLocation(layout, s, Moscow); err == nil {
			return Moment{Time: t, raw: s}, nil
		}
	}
	return Moment{}, fmt.Errorf("moysklad: bad moment %q: want %q", s, MomentLayout)
}

// String formats the moment the way MoySklad writes it in responses.
func (m Moment) String() string { return m.In(Moscow).Format(MomentLayout) }

func (m Moment) MarshalJSON() ([]byte, error) {
	switch {
	case m.raw != "":
		return json.Marshal(m.raw)
	case m.IsZero():
		return []byte("null"), nil
	}
	return json.Marshal(m.String())
}

func (m *Moment) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*m = Moment{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("moysklad: moment: %w", err)
	}
	if s == "" {
		*m = Moment{}
		return nil
	}
	v, err := ParseMoment(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
