package returns

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/minilog"
)

// unitsText is the returned units per quality as staff read them:
// «годных 2, брак 1, в карантине 1 — не возвращены на склад, недостача
// склада».
func unitsText(b booking) string {
	var parts []string
	if b.Useful > 0 {
		parts = append(parts, fmt.Sprintf("годных %d", b.Useful))
	}
	if b.Defective > 0 {
		s := fmt.Sprintf("брак %d", b.Defective)
		if b.DefectiveUnbooked > 0 {
			s += " (брак в МоёмСкладе не учитывается)"
		}
		parts = append(parts, s)
	}
	switch {
	case b.Quarantine == 0:
	case b.QuarantineUnbooked == b.Quarantine:
		parts = append(parts, fmt.Sprintf("в карантине %d — не возвращены на склад, недостача склада", b.Quarantine))
	default:
		parts = append(parts, fmt.Sprintf("в карантине %d — не найдены в посылке, недостача склада; остаются на учёте до инвентаризации", b.Quarantine))
	}
	if len(parts) == 0 {
		return "ничего"
	}
	return strings.Join(parts, ", ")
}

// goodsText is «KT-1700 1 шт., MG-350 2 шт.», sorted by good.
func goodsText(m map[string]int64) string {
	var parts []string
	for _, g := range slices.Sorted(maps.Keys(m)) {
		if m[g] > 0 {
			parts = append(parts, fmt.Sprintf("%s %s шт.", g, minilog.Qty(float64(m[g]))))
		}
	}
	return strings.Join(parts, ", ")
}

// what names a returned order in texts: «полный возврат заказа 00051»,
// «клиентский возврат, штрихкод возврата RB-1».
func what(outdocType string, o fulfillment.ReturnedOrder) string {
	s := kinds[outdocType].text
	if o.OrderID != "" {
		s += " заказа " + o.OrderID
	}
	if o.ReturnBarcode != "" {
		s += ", штрихкод возврата " + o.ReturnBarcode
	}
	if o.ParcelBarcode != "" {
		s += ", посылка " + o.ParcelBarcode
	}
	return s
}

// reason is the return's reason (ret_reason_descrip), if the warehouse
// gave one.
func reason(o fulfillment.ReturnedOrder) string {
	if o.RetReasonDescrip == "" {
		return ""
	}
	return fmt.Sprintf("причина «%s»", o.RetReasonDescrip)
}

// names lists created documents: «возврат покупателя 00001, оприходование 00002».
func names(docs []Created) string {
	var parts []string
	for _, d := range docs {
		parts = append(parts, docWord[d.Type]+" "+d.Name)
	}
	return strings.Join(parts, ", ")
}

var docWord = map[string]string{"salesreturn": "возврат покупателя", "enter": "оприходование"}

// join joins the non-empty parts with "; ".
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// unknownText names the goods not found in MoySklad, "" when none.
func unknownText(rec record) string {
	if len(rec.Unknown) == 0 {
		return ""
	}
	return "нет в МоёмСкладе, не учтено: " + join(rec.Unknown...)
}
