package couriertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
)

// Harness is one backend as a subtest sees it.
type Harness struct {
	// Courier is the port under test. Required.
	Courier cdek.Courier
	// WrongCredentials is the same backend reached with a wrong secret.
	// Optional.
	WrongCredentials cdek.Courier
	// Driver makes CDEK act. Nil on a real account.
	Driver Driver
}

// Driver plays CDEK's side; *cdektest.Server is one.
type Driver interface {
	// Process runs CDEK's processing of every request still ACCEPTED: an
	// order's creation, deletion or refusal (cdek.md §2, §7).
	Process()
	// Advance gives an order a new status.
	Advance(uuid, code, name, city string) error
}

// Features say what a backend can do. A subtest needing a missing feature
// is skipped with the reason.
type Features struct {
	// Process: Driver.Process processes requests on demand; otherwise the
	// suite polls until CDEK has.
	Process bool
	// Advance: Driver.Advance moves orders along their statuses.
	Advance bool
	// Wait bounds how long CDEK may take to process a request. Defaults to
	// 5 s.
	Wait time.Duration
	// Known maps a subtest name to why this backend is known to differ from
	// the reference; that subtest is skipped with the reason.
	Known map[string]string
}

type subtest struct {
	name    string
	advance bool // needs Features.Advance
	run     func(t *testing.T, e *env)
}

// Exercise runs the suite; newHarness is called once per subtest.
func Exercise(t *testing.T, f Features, newHarness func(t *testing.T) Harness) {
	t.Helper()
	if f.Wait == 0 {
		f.Wait = 5 * time.Second
	}
	ids := &numbers{run: newRunID()}
	for _, st := range tests {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			if why, ok := f.Known[st.name]; ok {
				t.Skip(why)
			}
			if st.advance && !f.Advance {
				t.Skip("the backend cannot be made to move an order along its statuses (no driver)")
			}
			h := newHarness(t)
			if (f.Process || f.Advance) && h.Driver == nil {
				t.Fatal("Features promise a driver, the harness gave none")
			}
			st.run(t, &env{ctx: t.Context(), c: h.Courier, h: h, f: f, ids: ids})
		})
	}
}

type env struct {
	ctx context.Context
	c   cdek.Courier
	h   Harness
	f   Features
	ids *numbers
}

// numbers makes order numbers unique per run: a real account keeps state.
type numbers struct {
	run string
	n   atomic.Int64
}

func newRunID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "SFCT" + time.Now().Format("060102150405") + strings.ToUpper(hex.EncodeToString(b))
}

// number is a new ASCII order number, as cdek.md §3.1 asks (≤ 40).
func (e *env) number() string { return fmt.Sprintf("%s%03d", e.ids.run, e.ids.n.Add(1)) }

// order is an e-shop door-to-door order shaped like the request that
// worked on CDEK's test host (cdek.md §3.2): city codes 44 Moscow and
// 270 Novosibirsk, tariff 139.
func order(number string) cdek.Order {
	return cdek.Order{Type: cdek.TypeEShop, Number: number, TariffCode: 139, Comment: "skladflow conformance",
		FromLocation: &cdek.Location{Code: 44, City: "Москва", Address: "Ленинградский проспект, 4"},
		ToLocation:   &cdek.Location{Code: 270, City: "Новосибирск", Address: "ул. Блюхера, 32"},
		Sender:       &cdek.Contact{Name: "Петров Пётр"},
		Recipient:    cdek.Contact{Name: "Иванов Иван", Phones: []cdek.Phone{{Number: "+79134637228"}}},
		Packages: []cdek.Package{{Number: "1", Weight: 700, Length: 10, Width: 10, Height: 10,
			Items: []cdek.Item{{Name: "Conformance item", WareKey: "SKLADFLOW-CT-1", Cost: 300, Weight: 700, Amount: 1}}}},
	}
}

// eventually polls done until it reports true, within Features.Wait.
func (e *env) eventually(t *testing.T, what string, done func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(e.f.Wait)
	every := max(e.f.Wait/50, 10*time.Millisecond)
	for {
		ok, err := done()
		require.NoError(t, err, what)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, e.f.Wait)
		}
		select {
		case <-time.After(every):
		case <-e.ctx.Done():
			t.Fatalf("%s: %v", what, e.ctx.Err())
		}
	}
}

// state is the state of the order's request of a type.
func state(env *cdek.Envelope, typ string) string {
	for _, r := range env.Requests {
		if r.Type == typ {
			return r.State
		}
	}
	return ""
}

// settle waits until CDEK has validated an order's creation (cdek.md §2):
// the envelope when SUCCESSFUL, the *cdek.Error when INVALID.
func (e *env) settle(t *testing.T, uuid string) (*cdek.Envelope, error) {
	t.Helper()
	e.process()
	var got *cdek.Envelope
	var invalid error
	e.eventually(t, "CDEK validates order "+uuid, func() (bool, error) {
		env, err := e.c.GetOrder(e.ctx, uuid)
		var ce *cdek.Error
		switch {
		case errors.Is(err, cdek.ErrNotFound):
			return false, nil // not visible yet
		case errors.As(err, &ce):
			invalid = err
			return true, nil
		case err != nil:
			return false, err
		}
		got = env
		return state(env, cdek.RequestCreate) == cdek.StateSuccessful, nil
	})
	return got, invalid
}

// created creates a valid order and waits until CDEK has registered it.
func (e *env) created(t *testing.T) *cdek.Envelope {
	t.Helper()
	sent, err := e.c.CreateOrder(e.ctx, order(e.number()))
	require.NoError(t, err)
	got, err := e.settle(t, sent.Entity.UUID)
	require.NoError(t, err)
	return got
}

// process makes CDEK process the requests made so far, where the driver
// can; otherwise the suite polls until CDEK has.
func (e *env) process() {
	if e.f.Process {
		e.h.Driver.Process()
	}
}

// advance moves an order to a status where the driver can.
func (e *env) advance(t *testing.T, uuid, code, name string) {
	t.Helper()
	require.NoError(t, e.h.Driver.Advance(uuid, code, name, "Москва"))
}

// refused checks that CDEK refused a request of typ, either at once
// (cdek.md §3.3: HTTP 400, INVALID with errors) or later, when GET shows
// the request INVALID.
func (e *env) refused(t *testing.T, uuid, typ string, err error) {
	t.Helper()
	if err != nil {
		var ce *cdek.Error
		require.ErrorAs(t, err, &ce)
		require.NotEmpty(t, ce.Problems, "CDEK says why")
		require.NotErrorIs(t, err, cdek.ErrNotFound)
		return
	}
	e.process()
	e.eventually(t, typ+" comes back INVALID", func() (bool, error) {
		env, err := e.c.GetOrder(e.ctx, uuid)
		if err != nil {
			return false, err // a request refused after creation does not fail the read
		}
		q := env.Latest(typ)
		return q != nil && q.State == cdek.StateInvalid && len(q.Errors) > 0, nil
	})
}

// becomes waits until the order's current status is code (with reason, if
// given); with goneOK, no longer finding the order counts too.
func (e *env) becomes(t *testing.T, uuid, code, reason string, goneOK bool) {
	t.Helper()
	e.process()
	e.eventually(t, "order "+uuid+" becomes "+code, func() (bool, error) {
		env, err := e.c.GetOrder(e.ctx, uuid)
		if goneOK && errors.Is(err, cdek.ErrNotFound) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		cur := env.Entity.Current()
		return cur != nil && cur.Code == code && (reason == "" || cur.ReasonCode == reason), nil
	})
}
