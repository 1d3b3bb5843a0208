package stdwebhooks_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/stdwebhooks"
)

func TestReferenceVector(t *testing.T) {
	t.Parallel()
	// The example of the Standard Webhooks reference libraries.
	key, err := stdwebhooks.Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	require.NoError(t, err)
	ts := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", stdwebhooks.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", ts, body))
}

func TestVerify(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"outdoc_id":1}`)
	h := http.Header{}
	stdwebhooks.SetHeaders(h, key, "msg_1", now, body)

	id, err := stdwebhooks.Verify(key, h, body, now.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, "msg_1", id)

	_, err = stdwebhooks.Verify(key, h, []byte(`{"outdoc_id":2}`), now)
	require.ErrorIs(t, err, stdwebhooks.ErrNoMatch)
	_, err = stdwebhooks.Verify([]byte("another key of at least 24 b"), h, body, now)
	require.ErrorIs(t, err, stdwebhooks.ErrNoMatch)
	_, err = stdwebhooks.Verify(key, h, body, now.Add(6*time.Minute))
	require.ErrorIs(t, err, stdwebhooks.ErrTooOld)
	_, err = stdwebhooks.Verify(key, h, body, now.Add(-6*time.Minute))
	require.ErrorIs(t, err, stdwebhooks.ErrTooOld)

	rotated := h.Clone()
	rotated.Set(stdwebhooks.HeaderSignature, "v1,AAAA "+h.Get(stdwebhooks.HeaderSignature))
	_, err = stdwebhooks.Verify(key, rotated, body, now)
	require.NoError(t, err, "any matching v1 signature is accepted")

	h.Del(stdwebhooks.HeaderID)
	_, err = stdwebhooks.Verify(key, h, body, now)
	require.ErrorIs(t, err, stdwebhooks.ErrMissingHeaders)
}

func TestSecret(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	got, err := stdwebhooks.Key(stdwebhooks.Secret(key))
	require.NoError(t, err)
	require.Equal(t, key, got)
	_, err = stdwebhooks.Key("whsec_c2hvcnQ=")
	require.ErrorIs(t, err, stdwebhooks.ErrBadSecret)
}

func FuzzVerify(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	f.Add("msg_1", "1800000000", "v1,abc", []byte(`{}`))
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := http.Header{}
		h.Set(stdwebhooks.HeaderID, id)
		h.Set(stdwebhooks.HeaderTimestamp, ts)
		h.Set(stdwebhooks.HeaderSignature, sig)
		// Random input must never verify.
		_, err := stdwebhooks.Verify(key, h, body, time.Unix(1_800_000_000, 0))
		require.Error(t, err)
	})
}
