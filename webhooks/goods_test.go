package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

func TestProductChangesOfCardFieldsAreStored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, IntegrationUID: "skladflow@acme",
		AssortmentTypes: []string{"product", "variant"}}, store, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	b := bundle{url: srv.URL, store: store}

	product := strings.ReplaceAll(stateChange, "supply", "product")
	for i, body := range []string{
		strings.Replace(product, `["state"]`, `["description","salePrices"]`, 1), // no card field
		strings.Replace(strings.Replace(product, `["state"]`, `["barcodes"]`, 1), "staff@acme", "skladflow@acme", 1),
		strings.Replace(strings.Replace(product, `"UPDATE"`, `"CREATE"`, 1), `"updatedFields":["state"],`, "", 1),
	} {
		resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=drop-"+string(rune('a'+i)), body)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	require.Zero(t, b.inbox(t), "no card field changed, skladflow's own change, a creation")

	resp, _ := b.post(t, "/hooks/moysklad/"+secret+"?requestId=keep", strings.Replace(product, `["state"]`, `["description","barcodes"]`, 1))
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, 1, b.inbox(t))
	n, err := store.Dispatch(ctx, 10) // as the serving process does after the answer
	require.NoError(t, err)
	require.Equal(t, 1, n)
	jobs, err := store.River().JobList(ctx, river.NewJobListParams().Kinds("refresh_good"))
	require.NoError(t, err)
	require.Len(t, jobs.Jobs, 1, "a refresh job")
	require.Contains(t, string(jobs.Jobs[0].EncodedArgs), `"assortment_id":"4081cebb-f82b-11f0-0a80-0472000f6157"`)
}
