package moyskladtest

import "fmt"

// Error codes for refused lines. MoySklad documents the rules (reference
// §4.2; spec supplyPosition.yaml: quantity "minimum: 0, exclusiveMinimum:
// true", things "количество единиц в позиции совпадает с числом переданных
// серийных номеров") but not the codes it answers them with: these are
// unconfirmed, so a client must not depend on them — only on the refusal.
const (
	codeBadQuantity = 3004
	codeBadThings   = 3008
)

// checkRow refuses a line MoySklad would not save: its quantity must be
// positive, and a serial-tracked line must carry exactly quantity serial
// numbers (for other lines things are ignored, so they are dropped). row
// is the line as it would be stored (for an existing line: merged with
// what was sent). It runs under s.mu.
func (s *Server) checkRow(n int, row object) object {
	q, isNum := row["quantity"].(float64)
	if !isNum || q <= 0 {
		return apiError(codeBadQuantity, fmt.Sprintf(
			"Ошибка сохранения объекта: значение поля 'quantity' позиции %d должно быть больше 0, передано %v", n+1, row["quantity"]), "quantity")
	}
	// spec customerOrderPosition.yaml and the other positions: vat is an
	// integer, minimum 0, maximum 100. The code is unconfirmed (see above).
	if v, set := row["vat"]; set {
		if f, isNum := number(v); !isNum || f < 0 || f > 100 || f != float64(int(f)) {
			return apiError(codeBadQuantity, fmt.Sprintf(
				"Ошибка сохранения объекта: значение поля 'vat' позиции %d должно быть целым от 0 до 100, передано %v", n+1, v), "vat")
		}
	}
	a := s.assortmentOf(row["assortment"])
	if a == nil {
		return apiError(3000, "Ошибка сохранения объекта: поле 'assortment' не может быть пустым или отсутствовать", "assortment")
	}
	if !s.serialTracked(a) {
		row["things"] = []any{}
		return nil
	}
	things, _ := row["things"].([]any)
	if float64(len(things)) != q {
		return apiError(codeBadThings, fmt.Sprintf(
			"Ошибка сохранения объекта: количество серийных номеров (%d) позиции %d не совпадает с количеством %v",
			len(things), n+1, q), "things")
	}
	seen := map[any]bool{}
	for _, t := range things {
		if str, _ := t.(string); str == "" || seen[t] {
			return apiError(codeBadThings, fmt.Sprintf("Ошибка сохранения объекта: пустой или повторяющийся серийный номер в позиции %d", n+1), "things")
		}
		seen[t] = true
	}
	return nil
}

// number reads a JSON number, or a Go int the Go API stored.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}
