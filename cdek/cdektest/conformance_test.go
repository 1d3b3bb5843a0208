package cdektest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/cdek/couriertest"
)

var _ couriertest.Driver = (*cdektest.Server)(nil)

// TestConformance runs the courier port's suite against the emulator over
// HTTP, through the real CDEK client. Manual mode lets the suite decide
// when CDEK validates.
func TestConformance(t *testing.T) {
	t.Parallel()
	f := couriertest.Features{Process: true, Advance: true}
	couriertest.Exercise(t, f, func(t *testing.T) couriertest.Harness {
		s := cdektest.NewServer(cdektest.Options{Manual: true})
		t.Cleanup(s.Close)
		c, err := cdek.NewClient(cdek.Config{BaseURL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret()})
		require.NoError(t, err)
		wrong, err := cdek.NewClient(cdek.Config{BaseURL: s.URL(), ClientID: s.ClientID(), ClientSecret: "wrong"})
		require.NoError(t, err)
		return couriertest.Harness{Courier: c, WrongCredentials: wrong, Driver: s}
	})
}
