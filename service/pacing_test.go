package service

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
)

// Until the store is open the MoySklad starts are paced in memory, numbered
// apart from the store's; then they are booked in the store's schedule of
// the MoySklad account, the one every replica books in.
func TestSharedPacingMovesToTheStore(t *testing.T) {
	t.Parallel()
	p := newSharedPacing()
	_, before, err := p.Reserve(t.Context(), time.Hour)
	require.NoError(t, err)
	require.Negative(t, before)

	s, err := storage.Open(t.Context(), storage.Config{Path: filepath.Join(t.TempDir(), "skladflow.db")})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	p.attach(s)
	wait, seq, err := p.Reserve(t.Context(), time.Hour)
	require.NoError(t, err)
	require.Less(t, wait, 30*time.Minute, "the start booked in memory is not the database's")
	require.EqualValues(t, 1, seq)
	_, seq, err = s.Schedule(pacingKey).Reserve(t.Context(), time.Hour)
	require.NoError(t, err)
	require.EqualValues(t, 2, seq, "the account's schedule in the store")
}
