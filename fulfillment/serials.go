package fulfillment

import (
	"context"
	"net/http"
	"strconv"
)

// Directions of a serial number's movement (fbox-openapi.yaml,
// outdoc_good_sn_resp.inout).
const (
	SerialIn  = 1  // the unit arrived
	SerialOut = -1 // the unit left
)

// SerialMove is one unit's serial number moving in a warehouse document:
// GET /outdocs/{outdoc_id}/good_sn (fbox-openapi.yaml «Серийные номера»).
type SerialMove struct {
	GoodID   string `json:"good_id"`
	QualType string `json:"qual_type"` // useful or defective
	GoodSN   string `json:"good_sn"`
	// GoodSN0 is an additional serial of the same unit.
	GoodSN0 string `json:"good_sn0,omitempty"`
	InOut   int    `json:"inout"`
	OrderID string `json:"order_id,omitempty"`
}

// Quality types of a unit (fbox-openapi.yaml qual_type_en).
const (
	QualUseful    = "useful"
	QualDefective = "defective"
)

// SerialReader is a warehouse that reports the serial numbers a document
// moved. A warehouse without it reports none: receipts then keep the
// serials MoySklad already has.
type SerialReader interface {
	OutdocSerials(ctx context.Context, outdocID int64) ([]SerialMove, error)
}

// OutdocSerials reads the serial numbers a warehouse document moved.
func (c *Client) OutdocSerials(ctx context.Context, outdocID int64) ([]SerialMove, error) {
	var out struct {
		GoodSN []SerialMove `json:"good_sn"`
	}
	if err := c.do(ctx, http.MethodGet, "/outdocs/"+strconv.FormatInt(outdocID, 10)+"/good_sn", nil, &out); err != nil {
		return nil, err
	}
	return out.GoodSN, nil
}
