package cdek_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
	"github.com/skladflow/skladflow/cdek/cdektest"
)

type bundle struct {
	ctx    context.Context
	srv    *cdektest.Server
	client *cdek.Client
}

func setup(t *testing.T, opts cdektest.Options) *bundle {
	t.Helper()
	srv := cdektest.NewServer(opts)
	t.Cleanup(srv.Close)
	c, err := cdek.NewClient(cdek.Config{BaseURL: srv.URL(), ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret()})
	require.NoError(t, err)
	return &bundle{ctx: context.Background(), srv: srv, client: c}
}

func order(number string) cdek.Order {
	return cdek.Order{Type: cdek.TypeEShop, Number: number, TariffCode: 136, ShipmentPoint: "MSK1", DeliveryPoint: "NSK1",
		Recipient: cdek.Contact{Name: "Иванов Иван", Phones: []cdek.Phone{{Number: "+79990000000"}}},
		Packages: []cdek.Package{{Number: "1", Weight: 500, Length: 20, Width: 15, Height: 10,
			Items: []cdek.Item{{Name: "Чайник", WareKey: "KT-1", Cost: 1500, Weight: 500, Amount: 1}}}}}
}

func TestCreateIsAsynchronous(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{Manual: true})
	env, err := b.client.CreateOrder(b.ctx, order("MS-00042"))
	require.NoError(t, err)
	require.Equal(t, cdek.StateAccepted, env.Requests[0].State)
	got, err := b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.Empty(t, got.Entity.CDEKNumber, "no CDEK number while only ACCEPTED")

	b.srv.Process()
	got, err = b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, cdek.StateSuccessful, got.Requests[0].State)
	require.NotEmpty(t, got.Entity.CDEKNumber)
	require.Equal(t, "CREATED", got.Entity.Current().Code)

	found, err := b.client.FindOrder(b.ctx, "MS-00042")
	require.NoError(t, err)
	require.Equal(t, env.Entity.UUID, found.Entity.UUID, "look-up before re-creating")
	_, err = b.client.FindOrder(b.ctx, "MS-NOPE")
	require.ErrorIs(t, err, cdek.ErrNotFound)
}

func TestInvalidCarriesCDEKMessages(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{})
	o := order("MS-1")
	o.Recipient.Phones = nil
	env, err := b.client.CreateOrder(b.ctx, o)
	require.NoError(t, err, "structurally valid: accepted first")
	_, err = b.client.GetOrder(b.ctx, env.Entity.UUID)
	var ce *cdek.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "v2_field_is_empty", ce.Problems[0].Code)
	require.Contains(t, err.Error(), "Не заполнено поле recipient.phones")
}

func TestTokenRenewedOnExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{})
	_, err := b.client.CreateOrder(b.ctx, order("MS-1"))
	require.NoError(t, err)
	b.srv.ExpireTokens() // CDEK's hour is over in the middle of a flow
	_, err = b.client.FindOrder(b.ctx, "MS-1")
	require.NoError(t, err)

	bad, err := cdek.NewClient(cdek.Config{BaseURL: b.srv.URL(), ClientID: "x", ClientSecret: "secret-that-must-not-leak"})
	require.NoError(t, err)
	_, err = bad.GetOrder(b.ctx, "u")
	require.ErrorContains(t, err, "invalid_client")
	require.NotContains(t, err.Error(), "secret-that-must-not-leak")
}

// cdek.md §7: a deletion is accepted at once and checked later; GET shows
// its outcome on the order's request list.
func TestDeleteOnlyWhileCreated(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{})
	env, err := b.client.CreateOrder(b.ctx, order("MS-1"))
	require.NoError(t, err)
	_, err = b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	del, err := b.client.DeleteOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, cdek.StateAccepted, del.Requests[0].State)
	got, err := b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, cdek.StateSuccessful, got.Latest(cdek.RequestDelete).State)
	require.Equal(t, cdek.StatusRemoved, got.Entity.Current().Code)

	env2, err := b.client.CreateOrder(b.ctx, order("MS-2"))
	require.NoError(t, err)
	_, _ = b.client.GetOrder(b.ctx, env2.Entity.UUID)
	require.NoError(t, b.srv.Advance(env2.Entity.UUID, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя", "Москва"))
	_, err = b.client.DeleteOrder(b.ctx, env2.Entity.UUID)
	require.NoError(t, err, "structurally valid: accepted first")
	got, err = b.client.GetOrder(b.ctx, env2.Entity.UUID)
	require.NoError(t, err, "a refused DELETE says nothing of the order")
	require.Equal(t, cdek.StateSuccessful, got.Latest(cdek.RequestCreate).State)
	require.NotEmpty(t, got.Entity.CDEKNumber)
	q := got.Latest(cdek.RequestDelete)
	require.Equal(t, cdek.StateInvalid, q.State)
	require.Equal(t, "v2_order_forbidden_to_delete", q.Errors[0].Code)
}

// cdek.md §3.3: a second request of a type while the first still runs is
// refused at once.
func TestSimilarRequestStillProcessed(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{Manual: true})
	env, err := b.client.CreateOrder(b.ctx, order("MS-1"))
	require.NoError(t, err)
	b.srv.Process()
	_, err = b.client.DeleteOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	_, err = b.client.DeleteOrder(b.ctx, env.Entity.UUID)
	var ce *cdek.Error
	require.ErrorAs(t, err, &ce)
	require.True(t, ce.HasCode(cdek.CodeSimilarRequestInRun))
	require.True(t, ce.Temporary(), "wait, do not ask again")
	require.Len(t, b.srv.Requests(env.Entity.UUID), 2, "CREATE and one DELETE")
}

// cdek.md §8: GET and list endpoints answer HTTP 400 with a top-level
// errors[]; CDEK's reason reaches the error, not only the HTTP code.
func TestTopLevelErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{})
	_, err := b.client.FindOrder(b.ctx, "")
	var ce *cdek.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 400, ce.Status)
	require.True(t, ce.HasCode("v2_parameters_empty"), "%v", err)
	require.Contains(t, err.Error(), "v2_parameters_empty: Не передан ни один параметр поиска")
	require.NotErrorIs(t, err, cdek.ErrNotFound)
}

func TestSubscribeOnceAndPushes(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{})
	var mu sync.Mutex
	var got []cdek.StatusPush
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p cdek.StatusPush
		require.NoError(t, json.NewDecoder(r.Body).Decode(&p))
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	created, err := b.client.Subscribe(b.ctx, hook.URL)
	require.NoError(t, err)
	require.True(t, created)
	created, err = b.client.Subscribe(b.ctx, hook.URL)
	require.NoError(t, err)
	require.False(t, created, "never subscribed twice")
	require.Len(t, b.srv.Subscriptions(), 1)

	env, err := b.client.CreateOrder(b.ctx, order("MS-1"))
	require.NoError(t, err)
	_, _ = b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, b.srv.Advance(env.Entity.UUID, "DELIVERED", "Вручен", "Новосибирск"))
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, "DELIVERED", got[0].Attributes.Code)
	require.Equal(t, env.Entity.UUID, got[0].UUID)
	require.NotEmpty(t, got[0].Attributes.CDEKNumber)
}

func TestTimesAndNumbers(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2020-08-10T21:32:14+0700", "2026-03-05T21:47:22+00:00", "2026-03-05T21:47:22+03:00"} {
		_, err := cdek.ParseTime(s)
		require.NoError(t, err, s)
	}
	var e cdek.Entity
	require.NoError(t, json.Unmarshal([]byte(`{"uuid":"u","cdek_number":"1107009111"}`), &e))
	require.Equal(t, cdek.Number("1107009111"), e.CDEKNumber)
	require.NoError(t, json.Unmarshal([]byte(`{"uuid":"u","cdek_number":1107009112}`), &e))
	require.Equal(t, cdek.Number("1107009112"), e.CDEKNumber)
}

func TestRefuseUntilFinal(t *testing.T) {
	t.Parallel()
	b := setup(t, cdektest.Options{})
	env, err := b.client.CreateOrder(b.ctx, order("MS-00051"))
	require.NoError(t, err)
	_, err = b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.NoError(t, b.srv.Advance(env.Entity.UUID, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя", "Москва"))
	_, err = b.client.Refuse(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	got, err := b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	require.Equal(t, "NOT_DELIVERED", got.Entity.Current().Code)
	require.Equal(t, "11", got.Entity.Current().ReasonCode)
	_, err = b.client.Refuse(b.ctx, env.Entity.UUID)
	require.NoError(t, err, "accepted first, checked later (cdek.md §7)")
	got, err = b.client.GetOrder(b.ctx, env.Entity.UUID)
	require.NoError(t, err)
	q := got.Latest(cdek.RequestCreateRefusal)
	require.Equal(t, cdek.StateInvalid, q.State, "no refusal once the order is final")
	require.Equal(t, "v2_order_status_final", q.Errors[0].Code)
	require.Len(t, got.Requests, 3, "CREATE, the refusal that worked, the refused one")
}
