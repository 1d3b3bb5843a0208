package moyskladtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// §5.3: more than 100 PUT requests per minute to the same entity disable
// the user's API; mass-update elements are no PUT requests.
func TestPutFloodIsCountedAndDisablesTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RateLimit: -1, DisableOnPutFlood: true})
	d, other := b.supply(t), b.supply(t)
	for range 20 {
		a := b.call(t, "POST", "/entity/supply", []any{map[string]any{"meta": docMeta(b, "supply", d.ID), "description": "x"}})
		require.Equal(t, 200, a.status)
	}
	require.Zero(t, b.srv.MaxPutsPerMinute(), "mass-update elements are not PUTs")

	for range 50 {
		require.Equal(t, 200, b.call(t, "PUT", "/entity/supply/"+other.ID, map[string]any{"description": "y"}).status)
	}
	for i := range 100 {
		a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": "x"})
		require.Equal(t, 200, a.status, "PUT %d", i+1)
	}
	require.Equal(t, 100, b.srv.MaxPutsPerMinute(), "the highest count of one entity")
	require.False(t, b.srv.APIDisabled())

	a := b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": "x"})
	require.Equal(t, 403, a.status, "the 101st PUT within a minute")
	require.EqualValues(t, 1061, code(a))
	require.Contains(t, a.body["errors"].([]any)[0].(map[string]any)["error"], "поддержку")
	require.Equal(t, 101, b.srv.MaxPutsPerMinute())
	a = b.call(t, "GET", "/entity/supply/"+other.ID, nil)
	require.Equal(t, 403, a.status, "every further request")
	require.True(t, b.srv.APIDisabled())

	b.srv.RestoreAPI()
	require.Equal(t, 200, b.call(t, "GET", "/entity/supply/"+other.ID, nil).status)
}

// Without DisableOnPutFlood the PUTs are only counted.
func TestPutFloodOnlyCountedByDefault(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RateLimit: -1})
	d := b.supply(t)
	for range 101 {
		require.Equal(t, 200, b.call(t, "PUT", "/entity/supply/"+d.ID, map[string]any{"description": "x"}).status)
	}
	require.Equal(t, 101, b.srv.MaxPutsPerMinute())
	require.Equal(t, 200, b.call(t, "PUT", "/entity/supply/new", map[string]any{}).status)
	require.Equal(t, 101, b.srv.MaxPutsPerMinute(), "a template is no entity")
}
