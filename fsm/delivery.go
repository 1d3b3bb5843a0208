package fsm

// States of the delivery flow (a shipment handed to CDEK).
const (
	Ordering     State = "ordering"      // order number saved; the order is being created or validated by the carrier
	InDelivery   State = "in_delivery"   // the carrier confirmed the order and gave its number; parcel on its way
	OrderFailed  State = "order_failed"  // the carrier refused the order; staff may fix and resubmit
	Delivered    State = "delivered"     // handed to the recipient
	NotDelivered State = "not_delivered" // not handed over: refused or returned
	// Cancelling (shared with the inbound flow): a deletion or refusal was
	// asked of the carrier, which answers later; not settled.
)

// Events of the delivery flow. Cancel, CancelOK and CancelFail are shared
// with the inbound flow.
const (
	Order        Event = "order"         // staff set the order status («Передать в СДЭК»)
	OrderOK      Event = "order_ok"      // the carrier validated the order and gave its number
	OrderInvalid Event = "order_invalid" // the carrier refused the order
	Track        Event = "track"         // a carrier status that is not final
	Deliver      Event = "deliver"       // the carrier reports the parcel delivered
	NotDeliver   Event = "not_deliver"   // the carrier reports it not delivered
	CancelAsked  Event = "cancel_asked"  // the carrier accepted a deletion or refusal for checking
	Refuse       Event = "refuse"        // the carrier took the refusal: the parcel comes back
	Removed      Event = "removed"       // the order was deleted at the carrier
)

var delivery = NewFlow("cdek", []Transition{
	{Event: Order, From: []State{New, Ordering, OrderFailed, Cancelled}, To: Ordering},
	{Event: OrderOK, From: []State{Ordering}, To: InDelivery},
	{Event: OrderInvalid, From: []State{Ordering}, To: OrderFailed},
	{Event: Track, From: []State{InDelivery}, To: InDelivery},
	{Event: Deliver, From: []State{InDelivery}, To: Delivered},
	{Event: NotDeliver, From: []State{InDelivery}, To: NotDelivered},
	{Event: Cancel, From: []State{Ordering, InDelivery}, To: Cancelled}, // nothing at the carrier to cancel
	{Event: CancelAsked, From: []State{Ordering, InDelivery}, To: Cancelling},
	{Event: CancelOK, From: []State{Cancelling}, To: Cancelled},    // the carrier deleted the order
	{Event: CancelFail, From: []State{Cancelling}, To: InDelivery}, // the carrier refused: tracking goes on
	{Event: Refuse, From: []State{Cancelling}, To: InDelivery},
	{Event: Removed, From: []State{Ordering, InDelivery}, To: Cancelled},
}, OrderFailed, InDelivery, Delivered, NotDelivered, Cancelled) // a parcel on its way takes days: not stuck

// Delivery is the flow of demands and customer orders shipped with CDEK.
func Delivery() *Flow { return delivery }
