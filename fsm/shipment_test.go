package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
)

func TestShipmentTransitions(t *testing.T) {
	t.Parallel()
	flow := fsm.Shipment()
	for _, tt := range []struct {
		from fsm.State
		ev   fsm.Event
		to   fsm.State
	}{
		{fsm.New, fsm.Submit, fsm.Submitting},
		{fsm.Submitting, fsm.SubmitOK, fsm.Submitted},
		{fsm.Submitting, fsm.SubmitFail, fsm.SubmitFailed},
		{fsm.Submitted, fsm.ShipmentStart, fsm.ShipmentPicking},
		{fsm.ShipmentPicking, fsm.ShipmentReady, fsm.ShipmentPicked},
		{fsm.Submitted, fsm.ShipmentReady, fsm.ShipmentPicked}, // start is optional
		{fsm.Submitted, fsm.ShipmentShip, fsm.ShipmentShipped}, // so is ready
		{fsm.ShipmentPicking, fsm.ShipmentShip, fsm.ShipmentShipped},
		{fsm.ShipmentPicked, fsm.ShipmentShip, fsm.ShipmentShipped},
		{fsm.ShipmentPicked, fsm.ShipmentShipFail, fsm.ShipmentFailed},
		{fsm.ShipmentFailed, fsm.ShipmentRetry, fsm.ShipmentFailed},
		{fsm.ShipmentFailed, fsm.ShipmentShip, fsm.ShipmentShipped},
		{fsm.ShipmentShipped, fsm.ShipmentRevert, fsm.Submitted},
		{fsm.Submitted, fsm.Cancel, fsm.Cancelling},
		{fsm.Cancelling, fsm.CancelOK, fsm.Cancelled},
		{fsm.Cancelling, fsm.CancelFail, fsm.Submitted},
		{fsm.Cancelled, fsm.Submit, fsm.Submitting},
	} {
		got, err := flow.Fire(tt.from, tt.ev)
		require.NoError(t, err, "%s --%s-->", tt.from, tt.ev)
		require.Equal(t, tt.to, got, "%s --%s-->", tt.from, tt.ev)
	}
}

func TestShipmentInvalid(t *testing.T) {
	t.Parallel()
	flow := fsm.Shipment()
	for _, tt := range []struct {
		from fsm.State
		ev   fsm.Event
	}{
		{fsm.Submitted, fsm.Submit},
		{fsm.ShipmentShipped, fsm.Submit},
		{fsm.ShipmentPicked, fsm.ShipmentStart}, // a late start does not go back
		{fsm.ShipmentShipped, fsm.ShipmentReady},
		{fsm.ShipmentShipped, fsm.ShipmentShip},
		{fsm.ShipmentPicking, fsm.Cancel}, // the warehouse no longer deletes it
		{fsm.ShipmentShipped, fsm.Cancel},
		{fsm.New, fsm.ShipmentShip},
	} {
		_, err := flow.Fire(tt.from, tt.ev)
		require.ErrorIs(t, err, fsm.ErrInvalidTransition, "%s --%s-->", tt.from, tt.ev)
		require.False(t, flow.Can(tt.from, tt.ev))
	}
}
