package retryhttp_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/retryhttp"
)

type peerDown struct{ err error }

func (e *peerDown) Error() string   { return "peer: " + e.err.Error() }
func (e *peerDown) Unwrap() error   { return e.err }
func (e *peerDown) Temporary() bool { return true }

func TestTemporaryAsksTheOutermost(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	temp, known := retryhttp.Temporary(refused)
	require.True(t, known)
	require.False(t, temp, "the net package's deprecated answer: why clients wrap it")

	temp, known = retryhttp.Temporary(fmt.Errorf("call: %w", &peerDown{refused}))
	require.True(t, known && temp, "the client's own error answers first")

	_, known = retryhttp.Temporary(errors.New("decode: bad JSON"))
	require.False(t, known)
}
