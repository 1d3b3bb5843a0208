package moysklad

import (
	"context"
	"net/http"
)

// Attribute is a custom field (доп. поле) of an entity: its description in
// metadata, or its value on a document.
type Attribute struct {
	Meta  Meta   `json:"meta"`
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Type  string `json:"type,omitempty"`
	Value any    `json:"value,omitempty"`
}

// AttributeString is the type of a text custom field.
const AttributeString = "string"

// Attributes lists the custom fields of a document type.
func (c *Client) Attributes(ctx context.Context, entityType string) ([]Attribute, error) {
	return list[Attribute](ctx, c, "entity/"+entityType+"/metadata/attributes", "", nil)
}

// CreateAttribute adds a custom field to a document type (administrator
// rights).
func (c *Client) CreateAttribute(ctx context.Context, entityType string, a Attribute) (*Attribute, error) {
	var out Attribute
	body := map[string]any{"name": a.Name, "type": a.Type}
	if err := c.Do(ctx, http.MethodPost, "entity/"+entityType+"/metadata/attributes", nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WithValue returns the attribute as it goes into a document PUT: its meta and
// the value.
func (a Attribute) WithValue(v any) Attribute {
	return Attribute{Meta: Meta{Href: a.Meta.Href, Type: "attributemetadata", MediaType: "application/json"}, Value: v}
}
