package cdek

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const tokenOp = "POST /oauth/token"

// accessToken returns a valid token, asking CDEK for one when the cached
// one expires within a minute. The token request is safe to repeat.
func (c *Client) accessToken(ctx context.Context, renew bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !renew && c.token != "" && c.now().Before(c.expires.Add(-time.Minute)) {
		return c.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.ClientID}, "client_secret": {c.cfg.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("cdek: token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.DoIdempotent(req)
	if err != nil {
		return "", &TransportError{Op: tokenOp, Err: err}
	}
	defer resp.Body.Close()
	var t struct {
		AccessToken      string `json:"access_token"`
		ExpiresIn        int    `json:"expires_in"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&t)
	if resp.StatusCode != http.StatusOK || t.AccessToken == "" {
		return "", &Error{Status: resp.StatusCode, Op: tokenOp, Problems: []Problem{{Code: t.Error, Message: t.ErrorDescription}}}
	}
	c.token, c.expires = t.AccessToken, c.now().Add(time.Duration(t.ExpiresIn)*time.Second)
	return c.token, nil
}
