package retryhttp

import (
	"errors"
	"net/url"
)

// redact drops the URL a transport error carries: it may hold a secret (a
// Telegram bot token in the path, a webhook secret, a query key). What is
// left names the cause and at most a host and port.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
