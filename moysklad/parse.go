package moysklad

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrBadNotification matches every notification ParseNotification rejects.
var ErrBadNotification = errors.New("moysklad: bad notification")

// ParseNotification reads a webhook body. It tolerates unknown fields, a
// missing auditContext or updatedFields and moments with or without
// milliseconds; it rejects anything that names no document.
func ParseNotification(b []byte) (*Notification, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrBadNotification)
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrBadNotification)
	}
	var n Notification
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadNotification, err)
	}
	if len(n.Events) == 0 {
		return nil, fmt.Errorf("%w: no events", ErrBadNotification)
	}
	for i, e := range n.Events {
		switch {
		case e.Meta.Href == "" || e.Meta.Type == "":
			return nil, fmt.Errorf("%w: events[%d]: meta.href and meta.type are required", ErrBadNotification, i)
		case e.Meta.ID() == "":
			return nil, fmt.Errorf("%w: events[%d]: meta.href names no entity", ErrBadNotification, i)
		}
		switch e.Action {
		case ActionCreate, ActionUpdate, ActionDelete, ActionProcessed:
		default:
			return nil, fmt.Errorf("%w: events[%d]: unknown action %q", ErrBadNotification, i, e.Action)
		}
	}
	return &n, nil
}
