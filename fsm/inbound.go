package fsm

// States of the inbound flow (goods into a fulfillment warehouse).
const (
	New           State = "new"            // never submitted
	Submitting    State = "submitting"     // task being created; a retry reuses the same indoc number
	Submitted     State = "submitted"      // task accepted by the warehouse, waiting for goods
	SubmitFailed  State = "submit_failed"  // task refused or not deliverable; staff may fix and resubmit
	Receiving     State = "receiving"      // partial receipts arrived, the final one has not
	Received      State = "received"       // receipt applied, document posted
	ReceiveFailed State = "receive_failed" // receipt could not be applied; staff may fix and retry
	NotArrived    State = "not_arrived"    // the warehouse closed the task: nothing arrived
	Cancelling    State = "cancelling"     // the task is being deleted at the warehouse
	Cancelled     State = "cancelled"      // no task at the warehouse any more
)

// Events of the inbound flow.
const (
	Submit         Event = "submit"          // staff set the submit status («Передать»)
	SubmitOK       Event = "submit_ok"       // the warehouse accepted the task
	SubmitFail     Event = "submit_fail"     // validation or the warehouse refused
	ReceiptPartial Event = "receipt_partial" // a non-final part arrived
	ReceiptApplied Event = "receipt_applied" // the final receipt was applied
	ReceiptFail    Event = "receipt_fail"    // the receipt could not be applied
	RetryReceipt   Event = "retry_receipt"   // staff asked to apply a failed receipt again
	NothingArrived Event = "nothing_arrived" // the receipt holds no goods at all
	SurplusApplied Event = "surplus_applied" // a separate surplus receipt came after the final one
	Revert         Event = "revert"          // the warehouse withdrew an applied receipt to correct it
	RevertLate     Event = "revert_late"     // the warehouse withdrew units added to a received document
	Cancel         Event = "cancel"          // staff set the cancel status («Отменить»)
	CancelOK       Event = "cancel_ok"       // the warehouse deleted the task
	CancelFail     Event = "cancel_fail"     // the warehouse refused: goods already arrived
)

var inbound = NewFlow("inbound", []Transition{
	{Event: Submit, From: []State{New, SubmitFailed, Submitting, Cancelled}, To: Submitting},
	{Event: SubmitOK, From: []State{Submitting}, To: Submitted},
	{Event: SubmitFail, From: []State{Submitting}, To: SubmitFailed},
	{Event: ReceiptPartial, From: []State{Submitted, Receiving}, To: Receiving},
	{Event: ReceiptApplied, From: []State{Submitted, Receiving, ReceiveFailed}, To: Received},
	{Event: ReceiptFail, From: []State{Submitted, Receiving, ReceiveFailed}, To: ReceiveFailed},
	{Event: RetryReceipt, From: []State{ReceiveFailed}, To: ReceiveFailed},
	{Event: NothingArrived, From: []State{Submitted, ReceiveFailed}, To: NotArrived},
	{Event: SurplusApplied, From: []State{Received}, To: Received},
	{Event: Revert, From: []State{Received, Receiving, NotArrived}, To: Submitted},
	{Event: RevertLate, From: []State{Received}, To: Received},
	{Event: Cancel, From: []State{Submitted, Cancelling, SubmitFailed}, To: Cancelling},
	{Event: CancelOK, From: []State{Cancelling}, To: Cancelled},
	{Event: CancelFail, From: []State{Cancelling}, To: Submitted},
}, Received, Cancelled, NotArrived, SubmitFailed, ReceiveFailed)

// Inbound is the flow of supplies and moves into a fulfillment warehouse.
func Inbound() *Flow { return inbound }
