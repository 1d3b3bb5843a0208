package fsm

// States of the customer-order flow beyond the shared ones (New,
// Submitting, Submitted, SubmitFailed, Cancelling, Cancelled).
const (
	Picking State = "picking" // the warehouse took the order into production
	Deficit State = "deficit" // the warehouse lacks goods; it retries its pool by itself
	Shipped State = "shipped" // handed to the delivery service; a demand is posted
)

const (
	ProductionStart Event = "production_start" // orders_production_start named the order
	DeficitFound    Event = "deficit"          // orders_deficit named the order
	Ship            Event = "ship"             // orders_shipment carried the order
	ShipRefused     Event = "ship_refused"     // orders_shipment_refusal: back to picking
	Dropped         Event = "dropped"          // orders_cancel we did not ask for: the delivery service refused the order
	CancelLate      Event = "cancel_late"      // staff cancel a shipped order: the warehouse asks the carrier for a return
)

// orders is the flow of a customer order fulfilled by the warehouse. The
// warehouse's optional outdocs may be missing or come out of order (a
// shipment before its production start), so every stage before the
// shipment accepts every later one — Submitting too: a warehouse document
// about the order proves the warehouse has it, even if a crash kept the
// acceptance from being recorded.
var orders = NewFlow("orders", append([]Transition{
	// A submitted order set to the submit status again is a changed order:
	// cancelled and sent again while the warehouse allows it.
	{Event: Submit, From: []State{New, Submitting, SubmitFailed, Cancelled, Submitted, Deficit}, To: Submitting},
	{Event: SubmitOK, From: []State{Submitting}, To: Submitted},
	{Event: SubmitFail, From: []State{Submitting}, To: SubmitFailed},
	{Event: ProductionStart, From: []State{Submitting, Submitted, Deficit, Picking}, To: Picking},
	{Event: DeficitFound, From: []State{Submitting, Submitted, Deficit}, To: Deficit},
	{Event: Ship, From: []State{Submitting, Submitted, Deficit, Picking, Cancelling}, To: Shipped}, // from Cancelling: shipped anyway
	{Event: ShipRefused, From: []State{Shipped}, To: Picking},
	{Event: Revert, From: []State{Shipped}, To: Picking}, // the warehouse withdrew the shipment to correct it
	{Event: Dropped, From: []State{Submitting, Submitted, Deficit, Picking}, To: SubmitFailed},
	{Event: Cancel, From: []State{Submitted, Deficit, Picking, Cancelling, SubmitFailed, Submitting}, To: Cancelling},
	{Event: CancelOK, From: []State{Cancelling}, To: Cancelled},
	{Event: CancelFail, From: []State{Cancelling}, To: Submitted},
	{Event: CancelLate, From: []State{Shipped}, To: Shipped},
}, returnRows...), Shipped, Returned, Cancelled, SubmitFailed, Deficit) // a deficit waits for stock, days maybe: not stuck

// Orders is the customer-order flow table.
func Orders() *Flow { return orders }
