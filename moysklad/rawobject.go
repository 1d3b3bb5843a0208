package moysklad

import (
	"encoding/json"
	"fmt"
)

// Documents and positions carry many fields skladflow does not model. They
// are kept as raw JSON next to the typed fields so that nothing is lost when
// an entity is read, changed and written back.

// splitObject decodes a JSON object into typed (via a plain alias struct) and
// returns the members whose keys are not in known.
func splitObject(data []byte, typed any, known map[string]bool) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(data, typed); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for k := range all {
		if known[k] {
			delete(all, k)
		}
	}
	return all, nil
}

// joinObject marshals typed and adds the extra members it does not set.
func joinObject(typed any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(typed)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("moysklad: join object: %w", err)
	}
	for k, v := range extra {
		if _, set := all[k]; !set {
			all[k] = v
		}
	}
	return json.Marshal(all)
}

func keys(ks ...string) map[string]bool {
	m := make(map[string]bool, len(ks))
	for _, k := range ks {
		m[k] = true
	}
	return m
}
