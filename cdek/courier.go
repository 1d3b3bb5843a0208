package cdek

import "context"

// Courier is the port skladflow drives a delivery service through: what
// the delivery flow needs of CDEK. Its conformance suite is
// cdek/couriertest.
type Courier interface {
	CreateOrder(ctx context.Context, o Order) (*Envelope, error)
	GetOrder(ctx context.Context, uuid string) (*Envelope, error)
	FindOrder(ctx context.Context, number string) (*Envelope, error)
	DeleteOrder(ctx context.Context, uuid string) (*Envelope, error)
	Refuse(ctx context.Context, uuid string) (*Envelope, error)
}

var _ Courier = (*Client)(nil)
