package fsm_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fsm"
)

func TestInboundTransitions(t *testing.T) {
	t.Parallel()
	flow := fsm.Inbound()
	tests := []struct {
		from fsm.State
		ev   fsm.Event
		to   fsm.State
	}{
		{fsm.New, fsm.Submit, fsm.Submitting},
		{fsm.Submitting, fsm.Submit, fsm.Submitting},
		{fsm.Submitting, fsm.SubmitOK, fsm.Submitted},
		{fsm.Submitting, fsm.SubmitFail, fsm.SubmitFailed},
		{fsm.SubmitFailed, fsm.Submit, fsm.Submitting},
		{fsm.Submitted, fsm.ReceiptPartial, fsm.Receiving},
		{fsm.Receiving, fsm.ReceiptPartial, fsm.Receiving},
		{fsm.Receiving, fsm.ReceiptApplied, fsm.Received},
		{fsm.Submitted, fsm.ReceiptApplied, fsm.Received},
		{fsm.Submitted, fsm.ReceiptFail, fsm.ReceiveFailed},
		{fsm.ReceiveFailed, fsm.RetryReceipt, fsm.ReceiveFailed},
		{fsm.ReceiveFailed, fsm.ReceiptApplied, fsm.Received},
		{fsm.Submitted, fsm.NothingArrived, fsm.NotArrived},
		{fsm.Submitted, fsm.Cancel, fsm.Cancelling},
		{fsm.Cancelling, fsm.CancelOK, fsm.Cancelled},
		{fsm.Cancelling, fsm.CancelFail, fsm.Submitted},
		{fsm.Cancelled, fsm.Submit, fsm.Submitting},
	}
	for _, tt := range tests {
		got, err := flow.Fire(tt.from, tt.ev)
		require.NoError(t, err, "%s --%s-->", tt.from, tt.ev)
		require.Equal(t, tt.to, got, "%s --%s-->", tt.from, tt.ev)
	}
}

func TestInboundInvalid(t *testing.T) {
	t.Parallel()
	flow := fsm.Inbound()
	for _, tt := range []struct {
		from fsm.State
		ev   fsm.Event
	}{
		{fsm.Submitted, fsm.Submit},
		{fsm.Received, fsm.Submit},
		{fsm.New, fsm.ReceiptApplied},
		{fsm.Received, fsm.ReceiptApplied},
		{fsm.NotArrived, fsm.ReceiptApplied},
		{fsm.Receiving, fsm.NothingArrived},
		{fsm.Received, fsm.Cancel},
		{fsm.Receiving, fsm.Cancel},
		{fsm.Cancelled, fsm.ReceiptApplied},
		{fsm.SubmitFailed, fsm.SubmitOK},
		{fsm.New, "no-such-event"},
	} {
		got, err := flow.Fire(tt.from, tt.ev)
		require.ErrorIs(t, err, fsm.ErrInvalidTransition)
		var te *fsm.TransitionError
		require.ErrorAs(t, err, &te)
		require.Equal(t, tt.from, te.From)
		require.Equal(t, tt.ev, te.Event)
		require.Equal(t, "inbound", te.Flow)
		require.Equal(t, tt.from, got, "state must not move on an invalid event")
		require.False(t, flow.Can(tt.from, tt.ev))
	}
}
