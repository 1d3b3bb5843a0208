package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
)

func TestOrderReturns(t *testing.T) {
	t.Parallel()
	flow := fsm.Orders()
	for _, tt := range []struct {
		from fsm.State
		ev   fsm.Event
		to   fsm.State
	}{
		{fsm.Shipped, fsm.Return, fsm.Returned},       // the first return
		{fsm.Returned, fsm.Return, fsm.Returned},      // the next part on another day
		{fsm.Returned, fsm.ReturnUndone, fsm.Shipped}, // the only return withdrawn
	} {
		got, err := flow.Fire(tt.from, tt.ev)
		require.NoError(t, err, "%s --%s-->", tt.from, tt.ev)
		require.Equal(t, tt.to, got)
	}
	for _, tt := range []struct {
		from fsm.State
		ev   fsm.Event
	}{
		{fsm.Picking, fsm.Return},   // never shipped: not this order's return
		{fsm.Cancelled, fsm.Return}, //
		{fsm.Shipped, fsm.ReturnUndone},
		{fsm.Returned, fsm.Ship},
	} {
		require.False(t, flow.Can(tt.from, tt.ev), "%s --%s-->", tt.from, tt.ev)
	}
	require.True(t, flow.Settled(fsm.Returned))
}
