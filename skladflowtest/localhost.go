package skladflowtest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
)

// PublicHost is the public URL's host name. MoySklad wants a full domain
// name in X-Lognex-WebHook-DisableByPrefix (moysklad.md §2.4), so the
// public URL cannot be an IP address; *.localhost is the loopback address
// by RFC 6761 §6.3.
const PublicHost = "skladflow.localhost"

var localhostOnce sync.Once

// resolveLocalhost teaches http.DefaultTransport, which the emulators' pushes
// and tests use, what RFC 6761 §6.3 says of *.localhost (browsers and curl
// already know it; Go's resolver does not).
func resolveLocalhost() {
	localhostOnce.Do(func() {
		t, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			return
		}
		dial := t.DialContext
		if dial == nil {
			dial = (&net.Dialer{}).DialContext
		}
		t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(host, ".localhost") {
				addr = net.JoinHostPort("127.0.0.1", port)
			}
			return dial(ctx, network, addr)
		}
	})
}
