package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/stdwebhooks"
	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

var pushKey = []byte("0123456789abcdef0123456789abcdef")

func setupPush(t *testing.T) bundle {
	t.Helper()
	store, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, WarehouseKeys: map[string][]byte{"БетаПРО": pushKey}}, store, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	return bundle{url: srv.URL, store: store}
}

func (b bundle) push(t *testing.T, warehouse, id string, at time.Time, key []byte, body string) int {
	t.Helper()
	req, err := http.NewRequest("POST", b.url+"/hooks/fulfillment/"+warehouse, strings.NewReader(body))
	require.NoError(t, err)
	stdwebhooks.SetHeaders(req.Header, key, id, at, []byte(body))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

const ready = `{"type":"outdoc.ready","outdoc_id":1001,"outdoc_type":"goods_supply","indoc_id":"MS-1"}`

func TestFulfillmentPush(t *testing.T) {
	t.Parallel()
	b := setupPush(t)
	const name = "%D0%91%D0%B5%D1%82%D0%B0%D0%9F%D0%A0%D0%9E" // БетаПРО
	require.Equal(t, 204, b.push(t, name, "msg_1", time.Now(), pushKey, ready))
	require.Equal(t, 1, b.inbox(t))
	require.Equal(t, 204, b.push(t, name, "msg_1", time.Now(), pushKey, ready), "a replayed id is acknowledged")
	require.Equal(t, 1, b.inbox(t), "and ignored")

	require.Equal(t, 401, b.push(t, name, "msg_2", time.Now(), []byte("another key of 24+ bytes!!"), ready))
	require.Equal(t, 401, b.push(t, name, "msg_3", time.Now().Add(-6*time.Minute), pushKey, ready), "outside the 5-minute tolerance")
	require.Equal(t, 404, b.push(t, "Склад-Х", "msg_4", time.Now(), pushKey, ready))
	require.Equal(t, 400, b.push(t, name, "msg_5", time.Now(), pushKey, `[1]`))
	require.Equal(t, 1, b.inbox(t))
}
