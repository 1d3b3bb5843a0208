package fboxtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"

	"github.com/skladflow/skladflow/fulfillment"
)

// DefaultDeliveries are the delivery services of an emulated account: ids
// and names from the spec's «Справочник служб доставки» (#deliveries).
var DefaultDeliveries = []fulfillment.Delivery{
	{DeliveryID: 1, DeliveryName: "Почта России"},
	{DeliveryID: 3, DeliveryName: "СДЭК"},
	{DeliveryID: 16, DeliveryName: "Служба заказчика"},
	{DeliveryID: 85, DeliveryName: "5Post"},
}

// getSettings answers GET /settings (settings_get_resp): every optional
// outdoc type with its state, the deliveries and departments, and the one
// concurrent request FBox allows (#rl_desc).
func (s *Server) getSettings(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	types := maps.Clone(s.ord.outdocTypes)
	deliveries := slices.Clone(s.ord.deliveries)
	ownerdeps := slices.Clone(s.ord.ownerdeps)
	s.mu.Unlock()
	ok(w, map[string]any{
		"ownerdeps":             ownerdeps,
		"deliveries":            deliveries,
		"outdoc_types":          types,
		"goods_expir_enabled":   false,
		"goods_surplus_enabled": false,
		"rate_limits": map[string]any{"concurrent_qnt": 1,
			"req_qnt": quotaOf(s.opts.RateLimit), "req_mb": quotaOf(0), "resp_mb": quotaOf(0),
			"err_qnt": quotaOf(s.opts.ErrLimit), "err_mb": quotaOf(0), "duration_minutes": quotaOf(0)},
	})
}

func quotaOf(perMinute int) map[string]int {
	return map[string]int{"day": perMinute * 24 * 60, "minute": perMinute}
}

// setSettings answers POST /settings (settings_set_req): outdoc_types
// turns optional types on or off; a type that is not one of the optional
// ones, or a value that is not a boolean, is refused (the schema lists the
// optional types as boolean properties).
func (s *Server) setSettings(w http.ResponseWriter, r *http.Request) {
	var q struct {
		OutdocTypes map[string]any `json:"outdoc_types"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := slices.Collect(maps.Keys(q.OutdocTypes))
	sort.Strings(keys)
	for _, k := range keys {
		if _, optional := s.ord.outdocTypes[k]; !optional {
			s.business(w, fulfillment.CodeUnclassified, fmt.Sprintf("Тип исходящего документа %s не является опциональным", k))
			return
		}
		if _, isBool := q.OutdocTypes[k].(bool); !isBool {
			s.business(w, fulfillment.CodeUnclassified, fmt.Sprintf("outdoc_types.%s: ожидается true или false", k))
			return
		}
	}
	for _, k := range keys {
		s.ord.outdocTypes[k] = q.OutdocTypes[k].(bool)
	}
	ok(w, nil)
}

// SetOutdocType turns an optional outdoc type on or off, as the account
// manager would.
func (s *Server) SetOutdocType(outdocType string, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, optional := s.ord.outdocTypes[outdocType]; !optional {
		return fmt.Errorf("fboxtest: %s is not an optional outdoc type", outdocType)
	}
	s.ord.outdocTypes[outdocType] = on
	return nil
}

// OutdocTypeOn says whether an optional outdoc type is issued; mandatory
// types always are.
func (s *Server) OutdocTypeOn(outdocType string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ord.on(outdocType)
}
