package config

import (
	"fmt"
	"slices"
	"strings"
)

// Tariff modes: where a CDEK tariff takes the parcel from and where it
// brings it. An office is a CDEK office (shipment_point / delivery_point), a
// locker a parcel locker (постамат, delivery_point), a door an address
// (from_location / to_location). cdek.md §3.1, §4.2 (delivery_mode).
const (
	ModeDoorDoor     = "door-door"
	ModeDoorOffice   = "door-office"
	ModeOfficeDoor   = "office-door"
	ModeOfficeOffice = "office-office"
	ModeDoorLocker   = "door-locker"
	ModeOfficeLocker = "office-locker"
)

var tariffModes = []string{ModeDoorDoor, ModeDoorOffice, ModeOfficeDoor, ModeOfficeOffice, ModeDoorLocker, ModeOfficeLocker}

// Tariff is a CDEK tariff skladflow knows.
type Tariff struct {
	Name string
	Mode string
	// DeliveryOnly tariffs are for «доставка» orders (type 2) only, never
	// for the e-shop orders skladflow creates.
	DeliveryOnly bool
}

// Tariffs are CDEK's tariffs by code. cdek.md §3.1 names 136-139; the rest
// and every mode come from CDEK's own WooCommerce plugin (cdek-it/wordpress,
// src/Model/Tariff.php). A tariff not listed needs cdek.tariff_mode.
var Tariffs = map[int]Tariff{
	7:   {"Международный экспресс документы дверь-дверь", ModeDoorDoor, false},
	8:   {"Международный экспресс грузы дверь-дверь", ModeDoorDoor, false},
	62:  {"Магистральный экспресс склад-склад", ModeOfficeOffice, false},
	121: {"Магистральный экспресс дверь-дверь", ModeDoorDoor, false},
	122: {"Магистральный экспресс склад-дверь", ModeOfficeDoor, false},
	123: {"Магистральный экспресс дверь-склад", ModeDoorOffice, false},
	136: {"Посылка склад-склад", ModeOfficeOffice, false},
	137: {"Посылка склад-дверь", ModeOfficeDoor, false},
	138: {"Посылка дверь-склад", ModeDoorOffice, false},
	139: {"Посылка дверь-дверь", ModeDoorDoor, false},
	184: {"E-com Standard дверь-дверь", ModeDoorDoor, false},
	185: {"E-com Standard склад-склад", ModeOfficeOffice, false},
	186: {"E-com Standard склад-дверь", ModeOfficeDoor, false},
	187: {"E-com Standard дверь-склад", ModeDoorOffice, false},
	231: {"Экономичная посылка дверь-дверь", ModeDoorDoor, false},
	232: {"Экономичная посылка дверь-склад", ModeDoorOffice, false},
	233: {"Экономичная посылка склад-дверь", ModeOfficeDoor, false},
	234: {"Экономичная посылка склад-склад", ModeOfficeOffice, false},
	291: {"E-com Express склад-склад", ModeOfficeOffice, false},
	293: {"E-com Express дверь-дверь", ModeDoorDoor, false},
	294: {"E-com Express склад-дверь", ModeOfficeDoor, false},
	295: {"E-com Express дверь-склад", ModeDoorOffice, false},
	366: {"Посылка дверь-постамат", ModeDoorLocker, false},
	368: {"Посылка склад-постамат", ModeOfficeLocker, false},
	376: {"Экономичная посылка дверь-постамат", ModeDoorLocker, false},
	378: {"Экономичная посылка склад-постамат", ModeOfficeLocker, false},
	480: {"Экспресс дверь-дверь", ModeDoorDoor, false},
	481: {"Экспресс дверь-склад", ModeDoorOffice, false},
	482: {"Экспресс склад-дверь", ModeOfficeDoor, false},
	483: {"Экспресс склад-склад", ModeOfficeOffice, false},
	485: {"Экспресс дверь-постамат", ModeDoorLocker, false},
	486: {"Экспресс склад-постамат", ModeOfficeLocker, false},
	497: {"E-com Standard дверь-постамат", ModeDoorLocker, false},
	498: {"E-com Standard склад-постамат", ModeOfficeLocker, false},
	748: {"Сборный груз дверь-дверь", ModeDoorDoor, true},
	749: {"Сборный груз дверь-склад", ModeDoorOffice, true},
	750: {"Сборный груз склад-дверь", ModeOfficeDoor, true},
	751: {"Сборный груз склад-склад", ModeOfficeOffice, true},
}

// FromOffice reports whether the tariff starts at a CDEK office
// (shipment_point) rather than at the sender's door (from_location).
func (c *CDEK) FromOffice() bool { return strings.HasPrefix(c.TariffMode, "office-") }

// ToPoint reports whether the tariff ends at a pickup point or parcel
// locker (delivery_point) rather than at the recipient's door
// (to_location).
func (c *CDEK) ToPoint() bool { return !strings.HasSuffix(c.TariffMode, "-door") }

// validateTariff checks that the tariff suits e-shop orders and that the
// origin fits its mode: CDEK refuses an order whose tariff and points
// disagree (cdek.md §3.1), so this is refused at start.
func (c *CDEK) validateTariff() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: "+format, append([]any{key}, args...)...))
	}
	t, known := Tariffs[c.TariffCode]
	name := fmt.Sprintf("tariff %d", c.TariffCode)
	if known {
		name += " (" + t.Name + ")"
	}
	switch {
	case c.TariffCode <= 0:
		return nil // named by tariff_code
	case known && t.DeliveryOnly:
		bad("cdek.tariff_code", "%s is for «доставка» orders only; skladflow creates e-shop orders (type 1)", name)
	case c.TariffMode == "":
		bad("cdek.tariff_mode", "%s is not in skladflow's table: give its mode (%s)", name, strings.Join(tariffModes, ", "))
		return errs
	case !slices.Contains(tariffModes, c.TariffMode):
		bad("cdek.tariff_mode", "must be one of %s, got %q", strings.Join(tariffModes, ", "), c.TariffMode)
		return errs
	case known && c.TariffMode != t.Mode:
		bad("cdek.tariff_mode", "%s is %s in CDEK's table, got %q", name, t.Mode, c.TariffMode)
	}
	switch {
	case c.FromOffice() && c.ShipmentPoint == "" && c.FromLocation != nil:
		bad("cdek.from_location", "%s starts at a CDEK office: give shipment_point instead", name)
	case !c.FromOffice() && c.FromLocation == nil && c.ShipmentPoint != "":
		bad("cdek.shipment_point", "%s picks parcels up at the door: give from_location instead", name)
	}
	if c.ToPoint() && c.PickupPointAttribute == c.NumberAttribute {
		bad("cdek.pickup_point_attribute", "must differ from number_attribute %q", c.NumberAttribute)
	}
	return errs
}
