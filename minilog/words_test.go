package minilog_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/minilog"
)

func TestWords(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "1 позиция", 2: "2 позиции", 5: "5 позиций", 11: "11 позиций", 12: "12 позиций", 21: "21 позиция", 104: "104 позиции", 112: "112 позиций"} {
		require.Equal(t, want, minilog.Positions(n))
	}
	require.Equal(t, "3", minilog.Qty(3))
	require.Equal(t, "2.5", minilog.Qty(2.5))
	require.Equal(t, "0.125", minilog.Qty(0.125))
}
