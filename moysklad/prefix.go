package moysklad

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// CheckWebhookPrefix checks a value for X-Lognex-WebHook-DisableByPrefix.
// MoySklad wants "the protocol and the full domain name" and refuses the
// request otherwise ("https://" and "https://some_url" are its examples of
// refused values, moysklad.md §2.4). Whether an IP address passes is not
// documented; it is no domain name, so it is refused here: a refused
// prefix would fail every write.
func CheckWebhookPrefix(prefix string) error {
	u, err := url.Parse(prefix)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q needs a scheme and a host: http(s):// and a full domain name (X-Lognex-WebHook-DisableByPrefix)", prefix)
	}
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		return fmt.Errorf("%q: %s is an IP address; MoySklad wants a full domain name in X-Lognex-WebHook-DisableByPrefix", prefix, host)
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return fmt.Errorf("%q: %q is not a full domain name (like skladflow.example.ru), as X-Lognex-WebHook-DisableByPrefix needs", prefix, host)
	}
	return nil
}
