package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
)

func TestOrdersTransitions(t *testing.T) {
	t.Parallel()
	flow := fsm.Orders()
	allowed := []struct {
		from fsm.State
		ev   fsm.Event
		to   fsm.State
	}{
		{fsm.New, fsm.Submit, fsm.Submitting},
		{fsm.Submitting, fsm.SubmitOK, fsm.Submitted},
		{fsm.Submitting, fsm.SubmitFail, fsm.SubmitFailed},
		{fsm.SubmitFailed, fsm.Submit, fsm.Submitting},    // resent after the fix
		{fsm.Submitted, fsm.Submit, fsm.Submitting},       // a changed order, resent
		{fsm.Deficit, fsm.Submit, fsm.Submitting},         // a changed order, resent
		{fsm.Submitted, fsm.ProductionStart, fsm.Picking}, // stock was there
		{fsm.Submitted, fsm.DeficitFound, fsm.Deficit},    // stock was not
		{fsm.Deficit, fsm.DeficitFound, fsm.Deficit},      // the pool retried, still short
		{fsm.Deficit, fsm.ProductionStart, fsm.Picking},   // stock arrived
		{fsm.Submitted, fsm.Ship, fsm.Shipped},            // production start never came
		{fsm.Deficit, fsm.Ship, fsm.Shipped},              // out of order
		{fsm.Picking, fsm.Ship, fsm.Shipped},              //
		{fsm.Cancelling, fsm.Ship, fsm.Shipped},           // shipped although cancellation was asked
		{fsm.Shipped, fsm.ShipRefused, fsm.Picking},       // the carrier refused at handover
		{fsm.Picking, fsm.Dropped, fsm.SubmitFailed},      // the carrier refused the order
		{fsm.Submitted, fsm.Cancel, fsm.Cancelling},       //
		{fsm.Picking, fsm.Cancel, fsm.Cancelling},         //
		{fsm.Cancelling, fsm.CancelOK, fsm.Cancelled},     //
		{fsm.Cancelling, fsm.CancelFail, fsm.Submitted},   //
		{fsm.Shipped, fsm.CancelLate, fsm.Shipped},        // return asked of the carrier
		{fsm.Cancelled, fsm.Submit, fsm.Submitting},       // sent again after a cancel
	}
	for _, tt := range allowed {
		got, err := flow.Fire(tt.from, tt.ev)
		require.NoError(t, err, "%s --%s-->", tt.from, tt.ev)
		require.Equal(t, tt.to, got, "%s --%s-->", tt.from, tt.ev)
	}
	refused := []struct {
		from fsm.State
		ev   fsm.Event
	}{
		{fsm.Picking, fsm.Submit},          // picking started: a change is refused
		{fsm.Shipped, fsm.Submit},          // shipped is final
		{fsm.Shipped, fsm.ProductionStart}, // a late production start must not reopen it
		{fsm.Shipped, fsm.Cancel},          // CancelLate, not a cancellation
		{fsm.Picking, fsm.DeficitFound},    // a deficit after production start is stale
		{fsm.New, fsm.Ship},                // not ours yet
		{fsm.Cancelled, fsm.Ship},
		{fsm.New, fsm.Cancel},
		{fsm.Picking, fsm.ShipRefused},
	}
	for _, tt := range refused {
		_, err := flow.Fire(tt.from, tt.ev)
		require.ErrorIs(t, err, fsm.ErrInvalidTransition, "%s --%s-->", tt.from, tt.ev)
	}
	for _, s := range []fsm.State{fsm.Shipped, fsm.Cancelled, fsm.SubmitFailed, fsm.Deficit} {
		require.True(t, flow.Settled(s), s)
	}
	require.False(t, flow.Settled(fsm.Picking), "an order not shipped for hours is stuck")
	require.False(t, flow.Settled(fsm.Cancelling), "a cancellation the warehouse never finishes is stuck")
}
