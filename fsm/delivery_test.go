package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
)

func TestDeliveryTransitions(t *testing.T) {
	t.Parallel()
	flow := fsm.Delivery()
	allowed := []struct {
		from fsm.State
		ev   fsm.Event
		to   fsm.State
	}{
		{fsm.New, fsm.Order, fsm.Ordering},
		{fsm.Ordering, fsm.Order, fsm.Ordering},
		{fsm.Ordering, fsm.OrderOK, fsm.InDelivery},
		{fsm.Ordering, fsm.OrderInvalid, fsm.OrderFailed},
		{fsm.OrderFailed, fsm.Order, fsm.Ordering},
		{fsm.InDelivery, fsm.Track, fsm.InDelivery},
		{fsm.InDelivery, fsm.Deliver, fsm.Delivered},
		{fsm.InDelivery, fsm.NotDeliver, fsm.NotDelivered},
		{fsm.InDelivery, fsm.Cancel, fsm.Cancelled},
		{fsm.InDelivery, fsm.CancelAsked, fsm.Cancelling},
		{fsm.Ordering, fsm.CancelAsked, fsm.Cancelling},
		{fsm.Cancelling, fsm.CancelOK, fsm.Cancelled},
		{fsm.Cancelling, fsm.CancelFail, fsm.InDelivery},
		{fsm.Cancelling, fsm.Refuse, fsm.InDelivery},
		{fsm.Ordering, fsm.Removed, fsm.Cancelled},
		{fsm.Cancelled, fsm.Order, fsm.Ordering},
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
		{fsm.InDelivery, fsm.Order},   // a second order for a parcel on its way
		{fsm.Delivered, fsm.Order},    // delivered is final
		{fsm.Delivered, fsm.Cancel},   // too late to cancel
		{fsm.NotDelivered, fsm.Track}, // final: later statuses do not reopen it
		{fsm.New, fsm.Cancel},         // nothing to cancel
		{fsm.Ordering, fsm.Deliver},   // no number yet, no delivery
		{fsm.InDelivery, fsm.Refuse},  // only once the carrier took it
		{fsm.Cancelling, fsm.Track},   // the carrier's answer first
	}
	for _, tt := range refused {
		_, err := flow.Fire(tt.from, tt.ev)
		require.ErrorIs(t, err, fsm.ErrInvalidTransition, "%s --%s-->", tt.from, tt.ev)
	}
	for _, s := range []fsm.State{fsm.Delivered, fsm.NotDelivered, fsm.OrderFailed, fsm.Cancelled, fsm.InDelivery} {
		require.True(t, fsm.IsSettled(s), s)
	}
	require.False(t, fsm.IsSettled(fsm.Ordering), "an order CDEK does not validate for hours is stuck")
	require.False(t, fsm.IsSettled(fsm.Cancelling), "a cancellation CDEK does not answer is stuck")
}
