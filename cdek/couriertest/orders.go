package couriertest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
)

var tests = []subtest{
	{name: "OAuthAndFirstCall", run: oauthAndFirstCall},
	{name: "CreateAcceptedThenSuccessful", run: createAcceptedThenSuccessful},
	{name: "AcceptedBeforeValidation", run: acceptedBeforeValidation},
	{name: "FindByNumber", run: findByNumber},
	{name: "InvalidOrders", run: invalidOrders},
	{name: "DeleteCreated", run: deleteCreated},
	{name: "NoDeleteAfterMovement", advance: true, run: noDeleteAfterMovement},
	{name: "UnknownUUID", run: unknownUUID},
	{name: "Refusal", run: refusal},
	{name: "NoRefusalWhenFinal", advance: true, run: noRefusalWhenFinal},
	{name: "RequestsListed", run: requestsListed},
}

// cdek.md §1.1-1.2: the client gets a token with client credentials and
// its first call is let in (a not-found answer, not an auth error); wrong
// credentials get an OAuth error ({error, error_description}, §1.2).
func oauthAndFirstCall(t *testing.T, e *env) {
	_, err := e.c.GetOrder(e.ctx, newUUID())
	require.ErrorIs(t, err, cdek.ErrNotFound, "authorised, and CDEK has no such order")
	if e.h.WrongCredentials == nil {
		return
	}
	_, err = e.h.WrongCredentials.GetOrder(e.ctx, newUUID())
	var ce *cdek.Error
	require.ErrorAs(t, err, &ce)
	require.NotErrorIs(t, err, cdek.ErrNotFound)
	require.Contains(t, []int{400, 401}, ce.Status, "OAuth failure (§1.2: 400 listed; exact value unconfirmed)")
	require.NotEmpty(t, ce.Problems[0].Code, "the OAuth error names itself")
}

// cdek.md §2 and §3: creation is asynchronous: the answer is a CREATE
// request ACCEPTED with the order's uuid and no CDEK number; once
// validated the request is SUCCESSFUL, cdek_number set, status CREATED
// (§4.2, §4.3).
func createAcceptedThenSuccessful(t *testing.T, e *env) {
	o := order(e.number())
	sent, err := e.c.CreateOrder(e.ctx, o)
	require.NoError(t, err)
	require.NotEmpty(t, sent.Entity.UUID)
	require.Len(t, sent.Requests, 1)
	require.Equal(t, cdek.RequestCreate, sent.Requests[0].Type)
	require.Equal(t, cdek.StateAccepted, sent.Requests[0].State)
	require.NotEmpty(t, sent.Requests[0].RequestUUID)
	require.Empty(t, sent.Entity.CDEKNumber)

	got, err := e.settle(t, sent.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, sent.Entity.UUID, got.Entity.UUID)
	require.Equal(t, o.Number, got.Entity.Number)
	require.NotEmpty(t, got.Entity.CDEKNumber)
	require.NotNil(t, got.Entity.Current())
	require.Equal(t, "CREATED", got.Entity.Current().Code)
}

// cdek.md §2 "Evidence from practice": right after creation GET shows the
// request ACCEPTED, status ACCEPTED and no cdek_number. Only a backend
// whose validation waits for the driver can show that moment on cue.
func acceptedBeforeValidation(t *testing.T, e *env) {
	if !e.f.Process {
		t.Skip("the backend validates on its own time (no driver)")
	}
	sent, err := e.c.CreateOrder(e.ctx, order(e.number()))
	require.NoError(t, err)
	got, err := e.c.GetOrder(e.ctx, sent.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, cdek.StateAccepted, state(got, cdek.RequestCreate))
	require.Empty(t, got.Entity.CDEKNumber)
	require.Equal(t, "ACCEPTED", got.Entity.Current().Code)
}

// cdek.md §4.1 and §4.4: GET /orders?im_number= finds an e-shop order by
// our number; an unknown number is v2_entity_not_found_im_number.
func findByNumber(t *testing.T, e *env) {
	o := order(e.number())
	sent, err := e.c.CreateOrder(e.ctx, o)
	require.NoError(t, err)
	_, err = e.settle(t, sent.Entity.UUID)
	require.NoError(t, err)
	found, err := e.c.FindOrder(e.ctx, o.Number)
	require.NoError(t, err)
	require.Equal(t, sent.Entity.UUID, found.Entity.UUID)

	_, err = e.c.FindOrder(e.ctx, e.number())
	require.ErrorIs(t, err, cdek.ErrNotFound)
}

// cdek.md §3.3: an order CDEK cannot take ends INVALID, at once or after
// validation, with CDEK's error codes in *cdek.Error.
func invalidOrders(t *testing.T, e *env) {
	cases := []struct {
		name, code string // code "" accepts any v2_* code
		breakIt    func(*cdek.Order)
	}{
		{"recipient without a phone (§3.1)", "", func(o *cdek.Order) { o.Recipient.Phones = nil }},
		{"neither from_location nor shipment_point", "v2_order_location_from_and_shipment_point_empty",
			func(o *cdek.Order) { o.FromLocation = nil }},
	}
	for _, c := range cases {
		o := order(e.number())
		c.breakIt(&o)
		sent, err := e.c.CreateOrder(e.ctx, o)
		if err == nil {
			var got *cdek.Envelope
			got, err = e.settle(t, sent.Entity.UUID)
			require.Nil(t, got, "%s: must not be created", c.name)
		}
		var ce *cdek.Error
		require.ErrorAs(t, err, &ce, c.name)
		if c.code != "" {
			require.True(t, ce.HasCode(c.code), "%s: want %s, got %v", c.name, c.code, err)
			continue
		}
		v2 := false
		for _, p := range ce.Problems {
			v2 = v2 || strings.HasPrefix(p.Code, "v2_")
		}
		require.True(t, v2, "%s: want a v2_* code, got %v", c.name, err)
	}
}

// cdek.md §7: DELETE of a CREATED order is accepted (type DELETE); GET
// then shows it REMOVED or no longer finds it.
func deleteCreated(t *testing.T, e *env) {
	got := e.created(t)
	uuid := got.Entity.UUID
	del, err := e.c.DeleteOrder(e.ctx, uuid)
	accepted(t, del, err, cdek.RequestDelete)
	e.becomes(t, uuid, "REMOVED", "", true)
}

// cdek.md §7: deletion only while there is no cargo movement.
func noDeleteAfterMovement(t *testing.T, e *env) {
	uuid := e.created(t).Entity.UUID
	e.advance(t, uuid, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя")
	_, err := e.c.DeleteOrder(e.ctx, uuid)
	e.refused(t, uuid, cdek.RequestDelete, err)
}

// cdek.md §4.4: an unknown uuid is v2_entity_not_found, whatever the call.
func unknownUUID(t *testing.T, e *env) {
	uuid := newUUID()
	_, err := e.c.GetOrder(e.ctx, uuid)
	require.ErrorIs(t, err, cdek.ErrNotFound)
	_, err = e.c.DeleteOrder(e.ctx, uuid)
	require.ErrorIs(t, err, cdek.ErrNotFound)
	_, err = e.c.Refuse(e.ctx, uuid)
	require.ErrorIs(t, err, cdek.ErrNotFound)
}

// cdek.md §7: a refusal (type CREATE_REFUSAL) is possible until DELIVERED
// or NOT_DELIVERED; the order becomes NOT_DELIVERED with additional
// status 11. On a backend without a driver the order is only CREATED,
// which CDEK allows too (it only advises against it, for billing).
func refusal(t *testing.T, e *env) {
	uuid := e.created(t).Entity.UUID
	if e.f.Advance {
		e.advance(t, uuid, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя")
	}
	env, err := e.c.Refuse(e.ctx, uuid)
	accepted(t, env, err, cdek.RequestCreateRefusal)
	e.becomes(t, uuid, "NOT_DELIVERED", "11", false)
}

// cdek.md §7: no refusal once the order is final.
func noRefusalWhenFinal(t *testing.T, e *env) {
	uuid := e.created(t).Entity.UUID
	e.advance(t, uuid, "DELIVERED", "Вручен")
	_, err := e.c.Refuse(e.ctx, uuid)
	e.refused(t, uuid, cdek.RequestCreateRefusal, err)
}

// cdek.md §2: GET returns the order's envelope, whose requests[] lists the
// requests made on it, each with its own state: after a refusal, the
// CREATE and the CREATE_REFUSAL. A later request CDEK refused stays listed
// INVALID next to the successful CREATE, and the order reads as before.
func requestsListed(t *testing.T, e *env) {
	uuid := e.created(t).Entity.UUID
	_, err := e.c.Refuse(e.ctx, uuid)
	require.NoError(t, err)
	got, err := e.c.GetOrder(e.ctx, uuid)
	require.NoError(t, err)
	require.Equal(t, cdek.StateSuccessful, state(got, cdek.RequestCreate))
	require.NotEmpty(t, state(got, cdek.RequestCreateRefusal), "the refusal is listed with its state")

	e.becomes(t, uuid, "NOT_DELIVERED", "11", false)
	_, err = e.c.DeleteOrder(e.ctx, uuid) // too late: the order is final
	e.refused(t, uuid, cdek.RequestDelete, err)
	got, err = e.c.GetOrder(e.ctx, uuid)
	require.NoError(t, err, "a refused DELETE says nothing of the order")
	require.Equal(t, cdek.StateSuccessful, state(got, cdek.RequestCreate))
	require.NotEmpty(t, got.Entity.CDEKNumber)
}

// accepted checks the answer to an asynchronous request (cdek.md §2): a
// request of typ, ACCEPTED (or already SUCCESSFUL).
func accepted(t *testing.T, env *cdek.Envelope, err error, typ string) {
	t.Helper()
	require.NoError(t, err)
	require.NotEmpty(t, env.Requests)
	require.Equal(t, typ, env.Requests[0].Type)
	require.Contains(t, []string{cdek.StateAccepted, cdek.StateSuccessful}, env.Requests[0].State)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
