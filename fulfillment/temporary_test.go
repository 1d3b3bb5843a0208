package fulfillment_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/retryhttp"
)

func TestErrorsSayWhetherTemporary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	short := func(url string) *fulfillment.Client {
		c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: url, PartnerID: "partner", Password: "secret",
			RetryBudget: 50 * time.Millisecond, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond})
		require.NoError(t, err)
		return c
	}

	_, err := short("http://127.0.0.1:1/api").ListOutdocs(b.ctx, fulfillment.OutdocFilter{})
	var te *fulfillment.TransportError
	require.ErrorAs(t, err, &te)
	temp, said := retryhttp.Temporary(err)
	require.True(t, said && temp, "connection refused is temporary: %v", err)

	ctx, cancel := context.WithCancel(b.ctx)
	cancel()
	_, err = b.client.ListOutdocs(ctx, fulfillment.OutdocFilter{})
	require.ErrorIs(t, err, context.Canceled)

	b.srv.FailNext(fboxtest.Fault{PathPrefix: "/indocs", HTTPStatus: 400, Code: 400, Message: "Некорректный запрос"})
	temp, said = retryhttp.Temporary(b.client.CreateSupplyTask(b.ctx, task("MS-1")))
	require.True(t, said)
	require.False(t, temp, "a 400 is final")

	b.srv.FailNext(fboxtest.Fault{PathPrefix: "/outdocs", HTTPStatus: 503, Code: 503, Count: 1000})
	_, err = short(b.srv.URL()).ListOutdocs(b.ctx, fulfillment.OutdocFilter{})
	temp, said = retryhttp.Temporary(err)
	require.True(t, said && temp, "a 503 is temporary: %v", err)
}
