package fulfillment_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func TestOutdocSerials(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("T-SN")))
	id, err := b.srv.Receive("T-SN", fboxtest.Line{GoodID: "A-1", Useful: 1, Defective: 1})
	require.NoError(t, err)

	got, err := b.client.OutdocSerials(b.ctx, id)
	require.NoError(t, err)
	require.Empty(t, got, "no serials scanned")

	require.NoError(t, b.srv.SetSerials(id, fulfillment.SerialMove{GoodID: "A-1", GoodSN: "SN-1"},
		fulfillment.SerialMove{GoodID: "A-1", GoodSN: "SN-2", QualType: fulfillment.QualDefective}))
	got, err = b.client.OutdocSerials(b.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []fulfillment.SerialMove{
		{GoodID: "A-1", QualType: "useful", GoodSN: "SN-1", InOut: fulfillment.SerialIn},
		{GoodID: "A-1", QualType: "defective", GoodSN: "SN-2", InOut: fulfillment.SerialIn},
	}, got)

	_, err = b.client.OutdocSerials(b.ctx, id+100)
	var fe *fulfillment.Error
	require.True(t, errors.As(err, &fe), "%v", err)
	require.Equal(t, 404, fe.HTTPStatus)
}
