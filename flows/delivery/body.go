package delivery

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/minilog"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/orchestrator"
)

// orderNumber is our number for a CDEK order: it carries the document's
// name so support finds it in CDEK's cabinet. CDEK takes ASCII only, so
// Cyrillic is transliterated; a new attempt after a cancellation gets a
// suffix, as CDEK keeps the old number. The name is cut to make room for
// the suffix, so no two attempts share a number.
func orderNumber(d *moysklad.Document, attempt int) string {
	var b strings.Builder
	b.WriteString("MS-")
	for _, r := range d.Name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_/.", r)):
			b.WriteRune(r)
		case translit[unicode.ToLower(r)] != "":
			t := translit[unicode.ToLower(r)]
			if unicode.IsUpper(r) {
				t = strings.ToUpper(t[:1]) + t[1:]
			}
			b.WriteString(t)
		default:
			b.WriteByte('-')
		}
	}
	suffix := ""
	if attempt > 1 {
		suffix = fmt.Sprintf("-%d", attempt)
	}
	s := b.String()
	if limit := numberLimit - len(suffix); len(s) > limit {
		s = s[:limit]
	}
	return s + suffix
}

// numberLimit is CDEK's limit for our number: string(40) (cdek.md §3.1).
const numberLimit = 40

var translit = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "h", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "sch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}

// buildOrder turns a demand or customer order (agent and positions
// expanded) into a CDEK e-shop order. Every problem staff must fix in
// MoySklad is listed at once.
func buildOrder(d *moysklad.Document, number string, c *config.CDEK) (cdek.Order, orchestrator.Problems) {
	var problems orchestrator.Problems
	o := cdek.Order{Type: cdek.TypeEShop, Number: number, TariffCode: c.TariffCode, ShipmentPoint: c.ShipmentPoint,
		Comment: fmt.Sprintf("МойСклад %s", d.Name)}
	if f := c.FromLocation; f != nil {
		o.FromLocation = &cdek.Location{Code: f.Code, City: f.City, Address: f.Address}
	}
	if s := c.Sender; s != nil {
		o.Sender = &cdek.Contact{Company: s.Company, Name: s.Name}
		if s.Phone != "" {
			o.Sender.Phones = []cdek.Phone{{Number: s.Phone}}
		}
	}
	switch a := d.Agent; {
	case a == nil || a.Name == "":
		problems = append(problems, orchestrator.Problem{Text: "не указан контрагент (получатель)"})
	default:
		o.Recipient = cdek.Contact{Name: a.Name, Email: a.Email}
		typed := strings.TrimSpace(a.Phone)
		for _, n := range phones(typed) {
			o.Recipient.Phones = append(o.Recipient.Phones, cdek.Phone{Number: n})
		}
		switch {
		case typed == "":
			problems = append(problems, orchestrator.Problem{Text: fmt.Sprintf("у контрагента «%s» не указан телефон", a.Name)})
		case len(o.Recipient.Phones) == 0:
			problems = append(problems, orchestrator.Problem{Text: fmt.Sprintf("у контрагента «%s» телефон «%s» не подходит СДЭК: нужен +7 и 10 цифр (или номер с кодом страны)", a.Name, typed)})
		}
	}
	if c.ToPoint() {
		// A pickup point or parcel locker: delivery_point, and no
		// to_location, which excludes it (cdek.md §3.1).
		if o.DeliveryPoint = pickupPoint(d, c.PickupPointAttribute); o.DeliveryPoint == "" {
			problems = append(problems, orchestrator.Problem{Text: fmt.Sprintf("не указан пункт выдачи СДЭК (доп. поле «%s»)", c.PickupPointAttribute)})
		}
	} else if addr := strings.TrimSpace(d.ShipmentAddress); addr != "" {
		loc := &cdek.Location{Address: addr}
		if f := d.ShipmentAddressFull; f != nil {
			loc.City, loc.PostalCode = f.City, f.PostalCode
		}
		o.ToLocation = loc
	} else {
		problems = append(problems, orchestrator.Problem{Text: "не указан адрес доставки"})
	}
	pkg := cdek.Package{Number: "1", Length: c.Package.Length, Width: c.Package.Width, Height: c.Package.Height}
	rows := d.Rows()
	if len(rows) == 0 {
		problems = append(problems, orchestrator.Problem{Text: "в документе нет позиций"})
	}
	for i, p := range rows {
		a := p.Assortment
		if a == nil {
			problems = append(problems, orchestrator.Problem{Line: i + 1, Text: "нет товара"})
			continue
		}
		if a.IsService() {
			continue // not a parcel's content; a variant is sent like a product (by code)
		}
		q := p.Quantity
		if q <= 0 || q != math.Trunc(q) || q > 999 {
			problems = append(problems, orchestrator.Problem{Line: i + 1, Text: fmt.Sprintf("«%s»: количество %s, СДЭК принимает целое от 1 до 999", a.Name, minilog.Qty(q))})
			continue
		}
		w := unitWeight(a.Weight, c)
		key := a.Article
		if key == "" {
			key = a.Code
		}
		if key == "" {
			key = a.ID
		}
		pkg.Items = append(pkg.Items, cdek.Item{Name: a.Name, WareKey: key, Cost: declaredValue(p), Weight: w, Amount: int(q)})
		pkg.Weight += w * int(q)
	}
	if len(problems) > 0 {
		return cdek.Order{}, problems
	}
	o.Packages = []cdek.Package{pkg}
	return o, nil
}

// pickupPoint is the CDEK office or parcel locker code staff wrote in the
// document's custom field: text, or an entry of a custom dictionary.
func pickupPoint(d *moysklad.Document, field string) string {
	for _, a := range d.Attributes {
		if a.Name != field {
			continue
		}
		switch v := a.Value.(type) {
		case string:
			return strings.TrimSpace(v)
		case map[string]any:
			name, _ := v["name"].(string)
			return strings.TrimSpace(name)
		}
	}
	return ""
}

// declaredValue is one unit's price in roubles after the line's discount:
// MoySklad keeps the price in kopecks and the discount in percent, a
// markup as a negative discount (moysklad.md §4.2).
func declaredValue(p moysklad.Position) float64 {
	var price, discount float64
	if raw, ok := p.Extra("price"); ok {
		_ = json.Unmarshal(raw, &price)
	}
	if raw, ok := p.Extra("discount"); ok {
		_ = json.Unmarshal(raw, &discount)
	}
	return math.Round(price*(100-discount)/100) / 100
}

// unitWeight is one unit's weight in grams: the product's, or the
// configured default when MoySklad has none.
func unitWeight(w float64, c *config.CDEK) int {
	if w <= 0 {
		return c.Package.Weight
	}
	if c.WeightUnit == "kg" {
		w *= 1000
	}
	return max(1, int(math.Round(w)))
}
