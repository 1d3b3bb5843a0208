package moysklad

import (
	"context"
	"net/http"
)

// CompanySettings are the account settings skladflow reads (spec
// components/schemas/dictionary/companySettings.yaml).
type CompanySettings struct {
	// CheckShippingStock is "Запретить отгрузку отсутствующих товаров":
	// MoySklad refuses to post a shipment of goods not in stock
	// (moysklad.md §4.4).
	CheckShippingStock bool `json:"checkShippingStock"`
}

// CompanySettings reads the account settings (GET context/companysettings).
func (c *Client) CompanySettings(ctx context.Context) (*CompanySettings, error) {
	var out CompanySettings
	if err := c.Do(ctx, http.MethodGet, "context/companysettings", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
