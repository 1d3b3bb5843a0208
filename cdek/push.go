package cdek

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrBadPush means a webhook body is not an ORDER_STATUS push skladflow can
// act on.
var ErrBadPush = errors.New("cdek: not an order status push")

// ParsePush reads an ORDER_STATUS webhook body. It tolerates what CDEK's
// documents show: a padded code, cdek_number as string or number, both date
// formats, and the older shape with city instead of city_name. A push is
// only a hint; the order is read again before anything is written.
func ParsePush(body []byte) (*StatusPush, error) {
	var p StatusPush
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPush, err)
	}
	p.Type = strings.TrimSpace(p.Type)
	p.Attributes.Code = strings.TrimSpace(p.Attributes.Code)
	switch {
	case p.Type != WebhookOrderStatus:
		return nil, fmt.Errorf("%w: type %q", ErrBadPush, p.Type)
	case p.UUID == "":
		return nil, fmt.Errorf("%w: no order uuid", ErrBadPush)
	case p.Attributes.Code == "":
		return nil, fmt.Errorf("%w: no status code", ErrBadPush)
	}
	if p.Attributes.StatusDateTime.IsZero() {
		p.Attributes.StatusDateTime = p.DateTime
	}
	return &p, nil
}
