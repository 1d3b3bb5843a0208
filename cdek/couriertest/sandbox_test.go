package couriertest_test

import (
	"cmp"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/couriertest"
)

// CDEK's test host and its public test account (cdek.md §1, §1.3:
// published by CDEK for every integrator, not a secret).
const (
	testHost   = "https://api.edu.cdek.ru/v2"
	testID     = "wqGwiQx0gg8mLtiEKsUinjVSICCjtTEP"
	testSecret = "RmAmgvSgSl1yirlz9QupbzOJVqhCxcP5"
)

// TestCDEKSandbox runs the suite against CDEK's test host when
// CDEK_SANDBOX=1. Nothing moves orders there on cue, so the subtests that
// need statuses advanced are skipped; validation is polled for.
func TestCDEKSandbox(t *testing.T) {
	if os.Getenv("CDEK_SANDBOX") != "1" {
		t.Skip("set CDEK_SANDBOX=1 to run the suite against CDEK's test host (network needed)")
	}
	url := cmp.Or(os.Getenv("CDEK_SANDBOX_URL"), testHost)
	id := cmp.Or(os.Getenv("CDEK_SANDBOX_CLIENT_ID"), testID)
	secret := cmp.Or(os.Getenv("CDEK_SANDBOX_CLIENT_SECRET"), testSecret)
	c, err := cdek.NewClient(cdek.Config{BaseURL: url, ClientID: id, ClientSecret: secret})
	require.NoError(t, err)
	wrong, err := cdek.NewClient(cdek.Config{BaseURL: url, ClientID: id, ClientSecret: "wrong-" + id})
	require.NoError(t, err)
	// CDEK's own plugin waits 5 s, then polls (cdek.md §2); the shared test
	// host is slow at times.
	f := couriertest.Features{Wait: 2 * time.Minute}
	couriertest.Exercise(t, f, func(t *testing.T) couriertest.Harness {
		return couriertest.Harness{Courier: c, WrongCredentials: wrong}
	})
}
