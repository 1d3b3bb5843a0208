package fulfillment

import (
	"context"
	"net/http"
)

// Unrecognized is an item the warehouse received without a known barcode
// (GET /goods/recognition). The supply cannot be completed until every such
// item is identified.
type Unrecognized struct {
	Barcode string              `json:"barcode"`
	Descrip string              `json:"descrip"`
	Length  int32               `json:"length,omitempty"`
	Width   int32               `json:"width,omitempty"`
	Height  int32               `json:"height,omitempty"`
	Weight  int32               `json:"weight,omitempty"`
	GoodSNs []string            `json:"good_sns,omitempty"`
	Indocs  []UnrecognizedIndoc `json:"indocs"`
}

// UnrecognizedIndoc says in which task, and how many, such items came.
type UnrecognizedIndoc struct {
	IndocID  string `json:"indoc_id"`
	IndocTxt string `json:"indoc_txt,omitempty"`
	QualType string `json:"qual_type,omitempty"`
	Qnt      int32  `json:"qnt"`
}

// Unrecognized lists the items waiting for identification.
func (c *Client) Unrecognized(ctx context.Context) ([]Unrecognized, error) {
	var out struct {
		Items []Unrecognized `json:"items"`
	}
	if err := c.do(ctx, http.MethodGet, "/goods/recognition", nil, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}
