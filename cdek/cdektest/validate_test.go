package cdektest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/cdektest"
)

// officeToOffice is cdek.md §3.2's minimal e-shop order: tariff 136 from a
// CDEK office to a pickup point.
func officeToOffice(number string) cdek.Order {
	return cdek.Order{Type: cdek.TypeEShop, Number: number, TariffCode: 136, ShipmentPoint: "NSK1", DeliveryPoint: "MSK123",
		Recipient: cdek.Contact{Name: "Иванов Иван", Phones: []cdek.Phone{{Number: "+79990000000"}}},
		Packages: []cdek.Package{{Number: "1", Weight: 1200, Length: 30, Width: 20, Height: 10,
			Items: []cdek.Item{{Name: "Товар", WareKey: "SKU-1", Cost: 1500, Weight: 1200, Amount: 1}}}}}
}

// TestOrderBodyValidation: what the reference says is required, excluded
// or limited in an order body comes back INVALID with CDEK's codes.
func TestOrderBodyValidation(t *testing.T) {
	t.Parallel()
	s := cdektest.NewServer(cdektest.Options{})
	t.Cleanup(s.Close)
	c, err := cdek.NewClient(cdek.Config{BaseURL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret()})
	require.NoError(t, err)
	toDoor := &cdek.Location{City: "Москва", Address: "ул. Тверская, 1"}
	tests := []struct {
		name, code string // code "" means valid
		edit       func(*cdek.Order)
	}{
		{"office to pickup point (136)", "", func(*cdek.Order) {}},
		{"136 with to_location instead of delivery_point", "v2_field_is_empty",
			func(o *cdek.Order) { o.DeliveryPoint, o.ToLocation = "", toDoor }},
		{"delivery_point and to_location", "v2_delivery_address_multivalued", func(o *cdek.Order) { o.ToLocation = toDoor }},
		{"shipment_point and from_location", "v2_shipment_address_multivalued", func(o *cdek.Order) { o.FromLocation = toDoor }},
		{"136 with from_location instead of shipment_point", "v2_field_is_empty",
			func(o *cdek.Order) { o.ShipmentPoint, o.FromLocation = "", toDoor }},
		{"137 to the door", "", func(o *cdek.Order) { o.TariffCode, o.DeliveryPoint, o.ToLocation = 137, "", toDoor }},
		{"137 with a delivery_point", "v2_field_is_empty", func(o *cdek.Order) { o.TariffCode = 137 }},
		{"139 from the door with a shipment_point", "v2_field_is_empty",
			func(o *cdek.Order) { o.TariffCode, o.DeliveryPoint, o.ToLocation = 139, "", toDoor }},
		{"368 to a locker without dimensions", "v2_field_is_empty",
			func(o *cdek.Order) { o.TariffCode, o.Packages[0].Weight, o.Packages[0].Length = 368, 50, 0 }},
		{"751 is not for e-shop orders", "v2_invalid_value_type", func(o *cdek.Order) { o.TariffCode = 751 }},
		{"phone as staff typed it", "v2_invalid_format", func(o *cdek.Order) { o.Recipient.Phones[0].Number = "8 (912) 345-67-89" }},
		{"Russian phone with 11 digits", "v2_invalid_format", func(o *cdek.Order) { o.Recipient.Phones[0].Number = "+791234567890" }},
		{"foreign phone", "", func(o *cdek.Order) { o.Recipient.Phones[0].Number = "+375291234567" }},
		{"number over 40 characters", "v2_invalid_format", func(o *cdek.Order) { o.Number += "-0123456789012345678901234567890123456789" }},
		{"Cyrillic number", "v2_invalid_format", func(o *cdek.Order) { o.Number += "-Отгрузка" }},
		{"amount 1000", "v2_invalid_value_type", func(o *cdek.Order) { o.Packages[0].Items[0].Amount = 1000 }},
		{"negative cost", "v2_invalid_value_type", func(o *cdek.Order) { o.Packages[0].Items[0].Cost = -1 }},
		{"e-shop package without items", "v2_field_is_empty", func(o *cdek.Order) { o.Packages[0].Items = nil }},
		{"more than 126 items", "v2_number_items_is_more_126", func(o *cdek.Order) {
			for i := range 127 {
				o.Packages[0].Items = append(o.Packages[0].Items, cdek.Item{Name: "Товар", WareKey: fmt.Sprint("K-", i), Weight: 1, Amount: 1})
			}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			o := officeToOffice(fmt.Sprint("VAL-", i))
			tt.edit(&o)
			sent, err := c.CreateOrder(ctx, o)
			if err == nil {
				_, err = c.GetOrder(ctx, sent.Entity.UUID) // validated on the first read
			}
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			var ce *cdek.Error
			require.ErrorAs(t, err, &ce)
			require.True(t, ce.HasCode(tt.code), "want %s, got %v", tt.code, err)
		})
	}
}
