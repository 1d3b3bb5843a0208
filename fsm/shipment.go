package fsm

// States of the shipment flow (goods shipped out of a fulfillment
// warehouse in bulk: a goods_shipment_task). New, Submitting, Submitted,
// SubmitFailed, Cancelling and Cancelled are shared with the inbound flow.
const (
	ShipmentPicking State = "picking"     // the warehouse started picking (goods_shipment_start): no deleting any more
	ShipmentPicked  State = "picked"      // picked and boxed (goods_shipment_ready)
	ShipmentShipped State = "shipped"     // shipped (goods_shipment): positions are the shipped totals, posted
	ShipmentFailed  State = "ship_failed" // the shipment could not be written to MoySklad; staff may fix and retry
)

// Events of the shipment flow. Submit, SubmitOK, SubmitFail, Cancel,
// CancelOK and CancelFail are shared with the inbound flow.
const (
	ShipmentStart    Event = "shipment_start"     // goods_shipment_start arrived
	ShipmentReady    Event = "shipment_ready"     // goods_shipment_ready arrived
	ShipmentShip     Event = "shipment_ship"      // goods_shipment was applied
	ShipmentShipFail Event = "shipment_ship_fail" // goods_shipment could not be applied
	ShipmentRetry    Event = "shipment_retry"     // staff asked to apply a failed shipment again
	ShipmentRevert   Event = "shipment_revert"    // the warehouse withdrew an applied goods_shipment to correct it
)

// The optional outdocs (start, ready) may be missing or come late: a
// shipment is taken from any state before it, and a late start or ready
// changes nothing (the flow skips it, not the table).
var shipment = NewFlow("shipment", []Transition{
	{Event: Submit, From: []State{New, SubmitFailed, Submitting, Cancelled}, To: Submitting},
	{Event: SubmitOK, From: []State{Submitting}, To: Submitted},
	{Event: SubmitFail, From: []State{Submitting}, To: SubmitFailed},
	{Event: ShipmentStart, From: []State{Submitted, ShipmentPicking}, To: ShipmentPicking},
	{Event: ShipmentReady, From: []State{Submitted, ShipmentPicking, ShipmentPicked}, To: ShipmentPicked},
	{Event: ShipmentShip, From: []State{Submitted, ShipmentPicking, ShipmentPicked, ShipmentFailed}, To: ShipmentShipped},
	{Event: ShipmentShipFail, From: []State{Submitted, ShipmentPicking, ShipmentPicked, ShipmentFailed}, To: ShipmentFailed},
	{Event: ShipmentRetry, From: []State{ShipmentFailed}, To: ShipmentFailed},
	{Event: ShipmentRevert, From: []State{ShipmentShipped}, To: Submitted},
	{Event: Cancel, From: []State{Submitted, Cancelling, SubmitFailed}, To: Cancelling},
	{Event: CancelOK, From: []State{Cancelling}, To: Cancelled},
	{Event: CancelFail, From: []State{Cancelling}, To: Submitted},
}, ShipmentShipped, Cancelled, SubmitFailed, ShipmentFailed)

// Shipment is the flow of demands, purchase returns and moves out of a
// fulfillment warehouse.
func Shipment() *Flow { return shipment }
