package moysklad_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

type bundle struct {
	ctx    context.Context
	srv    *moyskladtest.Server
	client *moysklad.Client
	store  moysklad.Store
	p1, p2 moysklad.Product
}

func setup(t *testing.T, opts ...moyskladtest.Options) *bundle {
	t.Helper()
	var o moyskladtest.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	srv := moyskladtest.NewServer(o)
	t.Cleanup(srv.Close)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL(), Token: srv.Token(),
		WebhookPrefix: "https://skladflow.example.ru", RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
	require.NoError(t, err)
	b := &bundle{ctx: context.Background(), srv: srv, client: c, store: srv.AddStore("Склад")}
	b.p1 = srv.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1", Barcodes: []string{"4601234567890"}})
	b.p2 = srv.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	return b
}

func (b *bundle) supply(t *testing.T) moysklad.Document {
	t.Helper()
	d, err := b.srv.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{{ProductID: b.p1.ID, Quantity: 3, Price: 1000}, {ProductID: b.p2.ID, Quantity: 2, Price: 500}}})
	require.NoError(t, err)
	return d
}

func TestGetAndPutKeepEveryField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	got, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, d.ID, "state", "positions.assortment")
	require.NoError(t, err)
	require.Len(t, got.Rows(), 2)
	require.Equal(t, "KT-1", got.Rows()[0].Assortment.Article)
	require.Equal(t, []string{"4601234567890"}, got.Rows()[0].Assortment.BarcodeValues())
	_, ok := got.Extra("organization")
	require.True(t, ok, "fields skladflow does not model are kept")

	rows := []moysklad.Position{got.Rows()[0].ForWrite()}
	rows[0].Quantity = 5
	desc := "комментарий"
	_, err = b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, d.ID, moysklad.DocumentUpdate{Positions: &rows, Description: &desc})
	require.NoError(t, err)
	after, err := b.srv.Document(moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.Len(t, after.Rows(), 1, "positions replace all rows")
	require.Equal(t, 5.0, after.Rows()[0].Quantity)
	price, _ := after.Rows()[0].Extra("price")
	require.JSONEq(t, "1000", string(price), "the row's other fields survive")
	require.Equal(t, "комментарий", after.Description)

	var put []moyskladtest.Request
	for _, r := range b.srv.Requests() {
		if r.Method == http.MethodPut {
			put = append(put, r)
		}
	}
	require.Len(t, put, 1)
	require.Equal(t, []string{"https://skladflow.example.ru"}, put[0].DisableByPrefix)
}

func TestRateLimitStormCompletes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	b.srv.FailNext(moyskladtest.Fault{Status: 429, Code: 1049, Count: 5, RetryAfter: 20 * time.Millisecond})
	_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.EqualValues(t, 5, b.client.Stats().RateLimited)

	b.srv.FailNext(moyskladtest.Fault{Status: 429, Code: 1073, Count: 3}) // parallel limit: no Retry-After
	_, err = b.client.GetDocument(b.ctx, moysklad.TypeSupply, d.ID)
	require.NoError(t, err)
	require.EqualValues(t, 8, b.client.Stats().RateLimited)
}

func TestServerErrorsRetriedExceptPost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	b.srv.FailNext(moyskladtest.Fault{Method: "PUT", Status: 503, Code: 1074, Count: 2, Message: "Технические работы"})
	desc := "x"
	_, err := b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, d.ID, moysklad.DocumentUpdate{Description: &desc})
	require.NoError(t, err, "PUT is idempotent: retried")

	b.srv.FailNext(moyskladtest.Fault{Method: "POST", Status: 500, Code: 1000, Count: 1, Message: "Внутренняя ошибка"})
	_, err = b.client.CreateWebhook(b.ctx, moysklad.Webhook{EntityType: "supply", Action: "UPDATE", URL: "https://x.ru/h"})
	var apiErr *moysklad.APIError
	require.ErrorAs(t, err, &apiErr, "a POST may have been executed: never repeated blindly")
	require.Equal(t, 500, apiErr.Status)
	posts := 0
	for _, r := range b.srv.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	require.Equal(t, 1, posts)
}

func TestClientErrorsNotRetriedAndTyped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	d := b.supply(t)
	moveState := b.srv.AddState(moysklad.TypeMove, "Передать", moysklad.StateRegular)
	_, err := b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, d.ID, moysklad.DocumentUpdate{State: moveState.Ref()})
	var apiErr *moysklad.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 400, apiErr.Status)
	require.True(t, apiErr.HasCode(moysklad.CodeStateOfOtherType))
	require.Contains(t, err.Error(), "код 11002")
	puts := 0
	for _, r := range b.srv.Requests() {
		if r.Method == http.MethodPut {
			puts++
		}
	}
	require.Equal(t, 1, puts, "a 4xx is a final answer")

	long := strings.Repeat("я", 4097)
	_, err = b.client.UpdateDocument(b.ctx, moysklad.TypeSupply, d.ID, moysklad.DocumentUpdate{Description: &long})
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "description", apiErr.Errors[0].Parameter)

	_, err = b.client.GetDocument(b.ctx, moysklad.TypeSupply, "00000000-0000-0000-0000-000000000000")
	require.ErrorIs(t, err, moysklad.ErrNotFound)
}

func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: b.srv.URL(), Token: "super-secret-token-42"})
	require.NoError(t, err)
	_, err = c.Metadata(b.ctx, moysklad.TypeSupply)
	var apiErr *moysklad.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 401, apiErr.Status)
	require.NotContains(t, err.Error(), "super-secret-token-42")

	c, err = moysklad.NewClient(moysklad.Config{BaseURL: "http://127.0.0.1:1/api", Token: "super-secret-token-42", RetryBudget: time.Millisecond})
	require.NoError(t, err)
	_, err = c.Metadata(b.ctx, moysklad.TypeSupply)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "super-secret-token-42")
}

func TestInFlightLimit(t *testing.T) {
	t.Parallel()
	// The emulator answers 1073 past 5 requests in flight: none may happen.
	b := setup(t, moyskladtest.Options{RateLimit: -1, MaxParallel: 5})
	d := b.supply(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, d.ID, "positions.assortment")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, b.srv.RateLimited(), "never more than MaxInFlight requests at once")
}

func TestPacedByRateLimitHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RateLimit: 10, RateInterval: 500 * time.Millisecond})
	d := b.supply(t)
	for range 25 {
		_, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, d.ID)
		require.NoError(t, err)
	}
	// Learned from X-RateLimit-Limit / X-Lognex-Retry-TimeInterval, the
	// client spaces its requests instead of running into 429s.
	require.LessOrEqual(t, b.srv.RateLimited(), 1)
	require.Positive(t, b.client.Stats().LimiterWaits)
}

func TestListsAndLookups(t *testing.T) {
	t.Parallel()
	b := setup(t)
	st := b.srv.AddState(moysklad.TypeSupply, "Передать", moysklad.StateRegular)
	d := b.supply(t)
	require.NoError(t, b.srv.SetState(moysklad.TypeSupply, d.ID, st.Name))
	b.supply(t)
	docs, err := b.client.ListDocuments(b.ctx, moysklad.TypeSupply, "state.name=Передать")
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.Equal(t, d.ID, docs[0].ID)

	ps, err := b.client.FindProducts(b.ctx, moysklad.SKUArticle, "MG-1")
	require.NoError(t, err)
	require.Len(t, ps, 1)
	require.Equal(t, b.p2.ID, ps[0].ID)
	ss, err := b.client.FindStores(b.ctx, "Склад")
	require.NoError(t, err)
	require.Len(t, ss, 1)

	md, err := b.client.Metadata(b.ctx, moysklad.TypeSupply)
	require.NoError(t, err)
	require.Len(t, md.States, 1)
	created, err := b.client.CreateState(b.ctx, moysklad.TypeSupply, moysklad.State{Name: "Передан", Color: 1, StateType: moysklad.StateRegular})
	require.NoError(t, err)
	require.Equal(t, "supply", created.EntityType)

	hook, err := b.client.CreateWebhook(b.ctx, moysklad.Webhook{EntityType: "supply", Action: "UPDATE", URL: "https://x.ru/h", DiffType: "FIELDS"})
	require.NoError(t, err)
	off := false
	_, err = b.client.UpdateWebhook(b.ctx, hook.ID, moysklad.Webhook{EntityType: "supply", Action: "UPDATE", URL: "https://x.ru/h", Enabled: &off})
	require.NoError(t, err)
	hooks, err := b.client.Webhooks(b.ctx)
	require.NoError(t, err)
	require.Len(t, hooks, 1)
	require.False(t, *hooks[0].Enabled)

	_, err = b.client.CreateWebhook(b.ctx, moysklad.Webhook{EntityType: "supply", Action: "UPDATE", URL: "https://x.ru/h"})
	var apiErr *moysklad.APIError
	require.True(t, errors.As(err, &apiErr) && apiErr.HasCode(30003), "duplicate subscription refused: %v", err)
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	_, err := moysklad.NewClient(moysklad.Config{})
	require.ErrorContains(t, err, "Token is required")
	_, err = moysklad.NewClient(moysklad.Config{Token: "t", WebhookPrefix: "skladflow"})
	require.ErrorContains(t, err, "needs a scheme and a host")
}
