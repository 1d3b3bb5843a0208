package webhooks

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// UnlinkedReturn is a warehouse return booked without an order (a client
// return that matches no shipped order, or one shipped before skladflow),
// or not booked for want of a counterparty: staff check the buyer and the
// prices.
type UnlinkedReturn struct {
	Warehouse     string    `json:"warehouse"`
	OutdocID      int64     `json:"outdoc_id"`
	OrderID       string    `json:"order_id,omitempty"`
	ReturnBarcode string    `json:"return_barcode,omitempty"`
	ParcelBarcode string    `json:"parcel_barcode,omitempty"`
	Status        string    `json:"status"` // applied, failed or reverted
	Error         string    `json:"error,omitempty"`
	SalesReturns  []string  `json:"sales_returns"` // names of the MoySklad documents
	Unknown       []string  `json:"unknown,omitempty"`
	At            time.Time `json:"at"`
}

// UnlinkedReturns lists them, newest first.
type UnlinkedReturns func(ctx context.Context) ([]UnlinkedReturn, error)

func (s *Server) apiUnlinkedReturns(c echo.Context) error {
	list, err := s.unlinked(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"returns": list})
}

func (s *Server) unlinked(ctx context.Context) ([]UnlinkedReturn, error) {
	if s.cfg.UnlinkedReturns == nil {
		return []UnlinkedReturn{}, nil
	}
	list, err := s.cfg.UnlinkedReturns(ctx)
	if list == nil {
		list = []UnlinkedReturn{}
	}
	return list, err
}

// unlinkedView is a row of the page's «Возвраты без заказа».
type unlinkedView struct {
	UnlinkedReturn
	When, Docs, StatusName string
}

func unlinkedViews(list []UnlinkedReturn) []unlinkedView {
	out := make([]unlinkedView, 0, len(list))
	for _, u := range list {
		out = append(out, unlinkedView{UnlinkedReturn: u, When: u.At.In(moscow).Format("02.01.2006 15:04"), Docs: strings.Join(u.SalesReturns, ", "),
			StatusName: map[string]string{"applied": "оформлен", "failed": "не оформлен", "reverted": "отозван складом"}[u.Status]})
	}
	return out
}
