package loadtest

import (
	"context"
	"errors"
	"net"
	"net/http"
)

// HTTPBaseline is a burst against a handler that does nothing, on the same
// loopback and client: what the HTTP round trips of a burst cost on this
// machine before anything is stored. A burst's latency reads against it.
type HTTPBaseline struct {
	Cold, Warm Deliveries // on new connections; on the connections the cold burst left open
}

// httpBaseline bursts n deliveries twice at a handler that answers 204 at once.
func httpBaseline(ctx context.Context, n int) (HTTPBaseline, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return HTTPBaseline{}, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	c := newClient("http://"+ln.Addr().String()+"/", n+100)
	r := &runner{client: c, ledger: newLedger()}
	var b HTTPBaseline
	b.Cold = r.burst(ctx, n)
	b.Warm = r.burst(ctx, n)
	c.close()
	err = srv.Shutdown(ctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return b, err
}
