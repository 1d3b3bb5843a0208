package fsm

// The returns of a shipped customer order (issue 12 §1): the warehouse's
// orders_full_return, orders_part_return and orders_client_return bring it
// back, whole or in parts on different days.
const (
	Returned State = "returned" // something came back; a salesreturn is posted

	Return       Event = "return"        // a return document named the order (again)
	ReturnUndone Event = "return_undone" // the warehouse withdrew the last return still applied
)

// returnRows are the customer-order transitions of returns: every return
// keeps the order returned; a withdrawn return leaves it returned while
// another return stays applied (Return again), shipped when none does.
var returnRows = []Transition{
	{Event: Return, From: []State{Shipped, Returned}, To: Returned},
	{Event: ReturnUndone, From: []State{Returned}, To: Shipped},
}
