package skladflowtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/skladflowtest"
)

func TestWriteConfigRoundTrips(t *testing.T) {
	t.Parallel()
	h := skladflowtest.Start(t, skladflowtest.Options{NoService: true, Push: true,
		FBox: fboxtest.Options{Password: "fbox-pass-0001"}, CDEK: &cdektest.Options{ClientID: "client", ClientSecret: "cdek-secret-0001"}})
	require.Nil(t, h.Service)
	require.ErrorIs(t, h.ProcessNow(t.Context(), moysklad.TypeSupply, "x"), skladflowtest.ErrNoService)

	path := filepath.Join(t.TempDir(), "skladflow.yaml")
	env, err := h.WriteConfig(path, map[string]string{"T_FBOX": "fbox-pass-0001", "T_CDEK": "cdek-secret-0001"})
	require.NoError(t, err)
	require.Equal(t, []string{"T_CDEK=cdek-secret-0001", "T_FBOX=fbox-pass-0001"}, env)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "fbox-pass-0001")
	require.Contains(t, string(raw), `"${T_FBOX}"`)

	lookup := func(name string) (string, bool) {
		for _, e := range env {
			if k, v, _ := strings.Cut(e, "="); k == name {
				return v, true
			}
		}
		return "", false
	}
	got, err := config.Parse(raw, lookup)
	require.NoError(t, err)
	require.Equal(t, h.Config, got)

	_, err = h.WriteConfig(path, map[string]string{"T_NOPE": "not-in-the-config"})
	require.ErrorContains(t, err, "secret T_NOPE is not in the configuration")
}
