package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
)

func TestSettledComeFromTheTables(t *testing.T) {
	t.Parallel()
	require.ElementsMatch(t, []fsm.State{fsm.Received, fsm.Cancelled, fsm.NotArrived, fsm.SubmitFailed, fsm.ReceiveFailed,
		fsm.OrderFailed, fsm.InDelivery, fsm.Delivered, fsm.NotDelivered, fsm.Shipped, fsm.Returned, fsm.Deficit, fsm.ShipmentFailed}, fsm.Settled())
	require.False(t, fsm.IsSettled(fsm.Submitting))
	require.False(t, fsm.IsSettled("no such state"))
}

func TestStatesAreEveryTableStateOnce(t *testing.T) {
	t.Parallel()
	states := fsm.States()
	require.Contains(t, states, fsm.New)
	require.Contains(t, states, fsm.Cancelling)
	require.Contains(t, states, fsm.Ordering)
	seen := map[fsm.State]bool{}
	for _, s := range states {
		require.False(t, seen[s], "%s twice", s)
		seen[s] = true
	}
	require.Equal(t, []string{"inbound", "cdek", "orders", "shipment"}, fsm.Names())
}

func TestASettledStateMustBeInTheTable(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() {
		fsm.NewFlow("x", []fsm.Transition{{Event: "e", From: []fsm.State{"a"}, To: "b"}}, "c")
	})
}
