package storage

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// HoldDatabase takes the store's one connection until release is called:
// the ingest writer waits, and deliveries queue behind it. A test that
// fails before its release gives the connection back at its end, so the
// failure is reported instead of the store's Close waiting for ever.
func (s *Store) HoldDatabase(t *testing.T) (release func()) {
	t.Helper()
	conn, err := s.db.Conn(context.Background())
	require.NoError(t, err)
	var once sync.Once
	release = func() { once.Do(func() { require.NoError(t, conn.Close()) }) }
	t.Cleanup(release)
	return release
}

// IngestQueued is how many deliveries wait for the writer.
func (s *Store) IngestQueued() int { return len(s.ingest.queue) }
