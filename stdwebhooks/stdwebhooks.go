// Package stdwebhooks signs and verifies Standard Webhooks notifications
// (github.com/standard-webhooks/standard-webhooks): the scheme warehouse
// relays use to push "a document is ready" to skladflow.
//
// signature = base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), sent as
// "v1,<signature>" (several, space-separated, during key rotation); the
// secret is "whsec_" + base64(key).
package stdwebhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Tolerance is how far a timestamp may be from now, either way.
const Tolerance = 5 * time.Minute

const secretPrefix = "whsec_"

// Errors Verify returns; all of them mean "reject".
var (
	ErrMissingHeaders = errors.New("stdwebhooks: missing webhook-id, webhook-timestamp or webhook-signature")
	ErrBadTimestamp   = errors.New("stdwebhooks: timestamp is not unix seconds")
	ErrTooOld         = errors.New("stdwebhooks: timestamp outside the tolerance")
	ErrNoMatch        = errors.New("stdwebhooks: no matching signature")
	ErrBadSecret      = errors.New("stdwebhooks: secret must be whsec_ + base64 of at least 24 bytes")
)

// Key decodes a "whsec_…" secret.
func Key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(k) < 24 {
		return nil, ErrBadSecret
	}
	return k, nil
}

// Secret encodes a key as a "whsec_…" secret.
func Secret(key []byte) string { return secretPrefix + base64.StdEncoding.EncodeToString(key) }

// Sign returns the webhook-signature value for a message.
func Sign(key []byte, id string, ts time.Time, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, ts.Unix(), body))
}

// SetHeaders signs body and sets the three headers on h.
func SetHeaders(h http.Header, key []byte, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Sign(key, id, ts, body))
}

// Verify checks the headers against the raw body (as received, before any
// JSON decoding) and returns the message id, the dedup key.
func Verify(key []byte, h http.Header, body []byte, now time.Time) (string, error) {
	id, tsRaw, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsRaw == "" || sigs == "" {
		return "", ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return "", ErrBadTimestamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		return "", fmt.Errorf("%w: %s", ErrTooOld, d.Round(time.Second))
	}
	want := mac(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return id, nil
		}
	}
	return "", ErrNoMatch
}

func mac(key []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return m.Sum(nil)
}
