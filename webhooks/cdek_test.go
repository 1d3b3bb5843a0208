package webhooks_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

const cdekSecret = "cdek-0123456789abcdef"

func setupCDEK(t *testing.T) bundle {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	_, err = store.Update(ctx, "demand", "d1", func(_ *storage.Tx, d *storage.Document) error {
		d.Flow, d.State, d.Delivery.OrderUUID = "cdek", "in_delivery", "72753031-1820-4f99-9240-aab139f05ca5"
		return nil
	})
	require.NoError(t, err)
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, CDEKSecret: cdekSecret, Orders: store}, store, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	return bundle{url: srv.URL, store: store}
}

// CDEK's documented example, for an order skladflow created.
const cdekPush = `{"type":"ORDER_STATUS","date_time":"2023-11-28T07:44:45+0000","uuid":"72753031-1820-4f99-9240-aab139f05ca5",
 "attributes":{"is_return":false,"cdek_number":"1100285492","number":"MS-00107","code":"RECEIVED_AT_SHIPMENT_WAREHOUSE",
 "status_code":"3","status_date_time":"2023-11-28T07:44:45+0000","city_name":"Новосибирск","city_code":"270"}}`

func TestCDEKPush(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t)
	resp, body := b.post(t, "/hooks/cdek/"+cdekSecret, cdekPush)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "OK", body)
	require.Equal(t, 1, b.inbox(t))
	resp, _ = b.post(t, "/hooks/cdek/"+cdekSecret, cdekPush)
	require.Equal(t, 200, resp.StatusCode, "a duplicate subscription's copy is acknowledged")
	require.Equal(t, 1, b.inbox(t), "and stored once")

	resp, _ = b.post(t, "/hooks/cdek/wrong-secret-0000000", cdekPush)
	require.Equal(t, 404, resp.StatusCode)
	resp, body = b.post(t, "/hooks/cdek/"+cdekSecret, `{"type":"PRINT_FORM","uuid":"x","attributes":{}}`)
	require.Equal(t, 400, resp.StatusCode)
	require.JSONEq(t, `{"error":"bad_notification","message":"cdek: not an order status push: type \"PRINT_FORM\""}`, body)
	other := `{"type":"ORDER_STATUS","uuid":"00000000-0000-0000-0000-000000000000","attributes":{"code":"DELIVERED","status_date_time":"2023-11-28T07:44:45+0000"}}`
	resp, _ = b.post(t, "/hooks/cdek/"+cdekSecret, other)
	require.Equal(t, 200, resp.StatusCode, "an order skladflow does not know is acknowledged: CDEK would not resend anyway")
	require.Equal(t, 1, b.inbox(t))
}
