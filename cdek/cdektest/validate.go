package cdektest

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/skladflow/skladflow/cdek"
)

// Where a tariff takes the parcel from and where it brings it: CDEK's own
// table (cdek.md §3.1 names 136-139; the modes and the other codes are from
// CDEK's WooCommerce plugin, cdek-it/wordpress src/Model/Tariff.php, the
// same delivery_mode values as §4.2). Written here from the reference, not
// taken from the client.
const (
	door   = "door"
	office = "office" // a CDEK office: shipment_point / delivery_point
	locker = "locker" // a parcel locker (постамат): delivery_point
)

var tariffEnds = map[int][2]string{}

func init() {
	for ends, codes := range map[[2]string][]int{
		{door, door}:     {7, 8, 121, 139, 184, 231, 293, 480, 748},
		{door, office}:   {123, 138, 187, 232, 295, 481, 749},
		{office, door}:   {122, 137, 186, 233, 294, 482, 750},
		{office, office}: {62, 136, 185, 234, 291, 483, 751},
		{door, locker}:   {366, 376, 485, 497},
		{office, locker}: {368, 378, 486, 498},
	} {
		for _, c := range codes {
			tariffEnds[c] = ends
		}
	}
}

// deliveryOnly are the tariffs CDEK's plugin marks «доставка» only: no
// e-shop order can use them.
var deliveryOnly = map[int]bool{748: true, 749: true, 750: true, 751: true}

// phoneRE is a phone in international format: a plus, the country code and
// the number; CDEK's example is "+79134637228" (§3.2). The reference gives
// only the 24-character limit (§3.1); the emulator takes the strict side.
var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{6,22}$`)

// numberRE: our order number, ASCII only (§3.1: digits, Latin letters,
// special characters), at most 40 characters.
var numberRE = regexp.MustCompile(`^[\x21-\x7e]{1,40}$`)

// checkBody is CDEK's validation of an order body that the emulator adds to
// the basic checks in validate: the tariff's ends, phones, the number, the
// packages and their items. The reference names few codes for these: where
// it names none, the closest documented v2_* code is used (said at each).
func checkBody(o cdek.Order) []cdek.Problem {
	var out []cdek.Problem
	bad := func(code, format string, args ...any) {
		out = append(out, cdek.Problem{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	// §3.1: shipment_point excludes from_location, delivery_point excludes
	// to_location (§3.3 names the codes).
	if o.ShipmentPoint != "" && o.FromLocation != nil {
		bad("v2_shipment_address_multivalued", "Указаны и пункт приёма shipment_point, и адрес отправителя from_location")
	}
	if o.DeliveryPoint != "" && o.ToLocation != nil {
		bad("v2_delivery_address_multivalued", "Указаны и пункт выдачи delivery_point, и адрес получателя to_location")
	}
	// §3.1: shipment_point is required for from-office tariffs and
	// delivery_point for to-office and to-locker ones; the door takes an
	// address. Only one of a pair given but the wrong one: no code in the
	// reference, v2_field_is_empty is the closest (both missing is
	// v2_order_location_*_empty, checked in validate).
	if ends, ok := tariffEnds[o.TariffCode]; ok {
		switch from := ends[0]; {
		case from == office && o.ShipmentPoint == "" && o.FromLocation != nil:
			bad("v2_field_is_empty", "Тариф %d — от склада СДЭК: нужен shipment_point, а не from_location", o.TariffCode)
		case from == door && o.FromLocation == nil && o.ShipmentPoint != "":
			bad("v2_field_is_empty", "Тариф %d — от двери: нужен from_location, а не shipment_point", o.TariffCode)
		}
		switch to := ends[1]; {
		case to != door && o.DeliveryPoint == "" && o.ToLocation != nil:
			bad("v2_field_is_empty", "Тариф %d — до пункта выдачи или постамата: нужен delivery_point, а не to_location", o.TariffCode)
		case to == door && o.ToLocation == nil && o.DeliveryPoint != "":
			bad("v2_field_is_empty", "Тариф %d — до двери: нужен to_location, а не delivery_point", o.TariffCode)
		}
		if ends[1] == locker {
			for _, p := range o.Packages {
				if p.Length == 0 || p.Width == 0 || p.Height == 0 {
					// §3.1 packages: dimensions are required for postamat orders.
					bad("v2_field_is_empty", "Посылка %s: для постамата нужны длина, ширина и высота", p.Number)
				}
			}
		}
	}
	if o.Type == cdek.TypeEShop && deliveryOnly[o.TariffCode] {
		// No code in the reference: v2_invalid_value_type is the closest.
		bad("v2_invalid_value_type", "Тариф %d недоступен для заказа типа «интернет-магазин»", o.TariffCode)
	}
	// §3.1: number only for e-shop orders, ASCII, string(40). No code in
	// the reference: v2_invalid_format is the closest.
	if o.Number != "" && !numberRE.MatchString(o.Number) {
		bad("v2_invalid_format", "Номер заказа %q: не более 40 символов, только латиница, цифры и знаки", o.Number)
	}
	// §3.1 contacts: phones[].number, at most 24 characters; international
	// format (see phoneRE). No code in the reference: v2_invalid_format.
	for i, p := range o.Recipient.Phones {
		if utf8.RuneCountInString(p.Number) > 24 || !phoneRE.MatchString(p.Number) || (p.Number[1] == '7' && len(p.Number) != 12) {
			bad("v2_invalid_format", "recipient.phones[%d].number %q: нужен международный формат, для России +7 и 10 цифр", i, p.Number)
		}
	}
	out = append(out, checkPackages(o)...)
	return out
}

// checkPackages: §3.1 packages[] and items[].
func checkPackages(o cdek.Order) []cdek.Problem {
	var out []cdek.Problem
	bad := func(code, format string, args ...any) {
		out = append(out, cdek.Problem{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if len(o.Packages) > 255 {
		bad("v2_invalid_value_type", "Не более 255 упаковок в заказе")
	}
	numbers := map[string]bool{}
	for _, p := range o.Packages {
		switch {
		case p.Number == "":
			bad("v2_field_is_empty", "Не заполнено поле packages.number")
		case numbers[p.Number]:
			bad("v2_invalid_value_type", "Номер упаковки %s повторяется", p.Number)
		}
		numbers[p.Number] = true
		dims := p.Length > 0 || p.Width > 0 || p.Height > 0
		if (dims || p.Weight >= 100) && (p.Length <= 0 || p.Width <= 0 || p.Height <= 0) {
			bad("v2_field_is_empty", "Упаковка %s: нужны длина, ширина и высота", p.Number)
		}
		if o.Type == cdek.TypeEShop && len(p.Items) == 0 {
			bad("v2_field_is_empty", "Упаковка %s: для интернет-магазина нужны товары (items)", p.Number)
		}
		if len(p.Items) > 126 {
			bad("v2_number_items_is_more_126", "Упаковка %s: больше 126 товаров", p.Number)
		}
		for _, it := range p.Items {
			// ItemRequestDto: name, ware_key, payment, cost, weight and amount
			// are required; amount 1-999. The reference says nothing of a
			// negative value: refused here, the safe side.
			switch {
			case it.Name == "" || it.WareKey == "":
				bad("v2_field_is_empty", "Упаковка %s: у товара не заполнены name или ware_key", p.Number)
			case it.Amount < 1 || it.Amount > 999:
				bad("v2_invalid_value_type", "Товар %s: количество %d, допустимо от 1 до 999", it.WareKey, it.Amount)
			case it.Cost < 0 || it.Payment.Value < 0 || it.Weight < 0:
				bad("v2_invalid_value_type", "Товар %s: cost, payment и weight не могут быть отрицательными", it.WareKey)
			}
		}
	}
	return out
}
