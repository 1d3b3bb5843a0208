package orchestrator

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Jobs that start together all miss a cold cache: one load serves them.
func TestCallersMissingTogetherShareOneLoad(t *testing.T) {
	t.Parallel()
	var loads atomic.Int32
	c := newByName(func(context.Context, string) ([]string, error) {
		loads.Add(1)
		time.Sleep(20 * time.Millisecond)
		return []string{"Передать", "Передан"}, nil
	}, func(s string) string { return s })
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			s, ok, err := c.get(context.Background(), "supply", "Передан")
			assert.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "Передан", s)
		})
	}
	wg.Wait()
	require.Equal(t, int32(1), loads.Load())

	_, ok, err := c.get(context.Background(), "supply", "Новый")
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, int32(2), loads.Load(), "a name not found reloads the type once")
}
