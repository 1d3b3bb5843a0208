package moysklad_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/retryhttp"
)

func TestErrorsSayWhetherTemporary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)

	down, err := moysklad.NewClient(moysklad.Config{BaseURL: "http://127.0.0.1:1/api", Token: "t", RetryBudget: 50 * time.Millisecond})
	require.NoError(t, err)
	_, err = down.Metadata(b.ctx, moysklad.TypeSupply)
	var te *moysklad.TransportError
	require.ErrorAs(t, err, &te)
	temp, said := retryhttp.Temporary(err)
	require.True(t, said && temp, "connection refused is temporary: %v", err)

	ctx, cancel := context.WithCancel(b.ctx)
	cancel()
	_, err = b.client.GetDocument(ctx, moysklad.TypeSupply, d.ID)
	require.ErrorIs(t, err, context.Canceled)

	moveState := b.srv.AddState(moysklad.TypeMove, "Передать", moysklad.StateRegular)
	_, err = b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, d.ID, moysklad.DocumentUpdate{State: moveState.Ref()})
	temp, said = retryhttp.Temporary(err)
	require.True(t, said)
	require.False(t, temp, "a 400 is final")

	short, err := moysklad.NewClient(moysklad.Config{BaseURL: b.srv.URL(), Token: b.srv.Token(), RetryBudget: 50 * time.Millisecond,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
	require.NoError(t, err)
	b.srv.FailNext(moyskladtest.Fault{Status: 503, Code: 1095, Count: 1000, Message: "Сервис временно недоступен"})
	_, err = short.GetDocument(b.ctx, moysklad.TypeSupply, d.ID)
	temp, said = retryhttp.Temporary(err)
	require.True(t, said && temp, "a 503 is temporary: %v", err)
}
