package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// HoldDatabase takes the store's one connection until release is called:
// the ingest writer waits, and deliveries queue behind it.
func (s *Store) HoldDatabase(t *testing.T) (release func()) {
	t.Helper()
	conn, err := s.db.Conn(context.Background())
	require.NoError(t, err)
	return func() { require.NoError(t, conn.Close()) }
}

// IngestQueued is how many deliveries wait for the writer.
func (s *Store) IngestQueued() int { return len(s.ingest.queue) }
