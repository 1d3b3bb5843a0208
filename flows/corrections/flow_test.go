package corrections

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/flows/feed"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/orchestrator"
	"github.com/skladflow/skladflow/storage"
)

// alerts collects what the flow raises.
type alerts struct {
	mu   sync.Mutex
	text map[string]string
}

func (a *alerts) Raise(_ context.Context, key, text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.text[key] = text
}

type bundle struct {
	flow   *Flow
	store  *storage.Store
	alerts *alerts
}

// setup builds the flow on a real database and the emulators, without
// running any job.
func setup(t *testing.T) *bundle {
	t.Helper()
	ms := moyskladtest.NewServer(moyskladtest.Options{})
	t.Cleanup(ms.Close)
	fb := fboxtest.NewServer(fboxtest.Options{})
	t.Cleanup(fb.Close)
	client, err := moysklad.NewClient(moysklad.Config{BaseURL: ms.URL(), Token: ms.Token()})
	require.NoError(t, err)
	o, err := orchestrator.New(orchestrator.Config{RetryHorizon: time.Hour, ReconcileInterval: time.Minute}, client)
	require.NoError(t, err)
	store, err := storage.Open(t.Context(), storage.Config{Path: filepath.Join(t.TempDir(), "db")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	o.Attach(store)
	api, err := fulfillment.NewClient(fulfillment.Config{BaseURL: fb.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	skus := moysklad.SKUFields{Product: "article", Variant: "code"}
	cat, err := catalogue.New(catalogue.Config{Warehouse: "W", SKUs: skus, FBox: api, MoySklad: client, Bindings: store})
	require.NoError(t, err)
	fd, err := feed.New(o, []feed.Warehouse{{Name: "W", StoreID: "S", SKUField: "article", VariantSKUField: "code", API: api,
		Catalogue: cat, PollInterval: time.Minute}})
	require.NoError(t, err)
	a := &alerts{text: map[string]string{}}
	f, err := New(o, Config{Feed: fd, Alerts: a})
	require.NoError(t, err)
	return &bundle{flow: f, store: store, alerts: a}
}

// locked records a warehouse document imported with its parts.
func (b *bundle) locked(t *testing.T, id int64, typ string, parts ...storage.OutdocPart) {
	t.Helper()
	ctx := t.Context()
	_, err := b.store.AcceptOutdocs(ctx, "W", []storage.Outdoc{{OutdocID: id, Type: typ}})
	require.NoError(t, err)
	require.NoError(t, b.store.UpdateOutdoc(ctx, "W", id, func(o *storage.Outdoc) error { o.Status = storage.OutdocLocked; return nil }))
	for i, p := range parts {
		p.Warehouse, p.OutdocID, p.Key = "W", id, string(rune('a'+i))
		require.NoError(t, b.store.PutOutdocPart(ctx, p))
	}
}

// The daily summary counts the corrections and long-storage moves applied
// in the last 24 hours, per warehouse, once a day.
func TestSummaryOfTheDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	loss, err := json.Marshal(booked{Doc: Doc{Type: TypeLoss, From: "S", Lines: []Line{{"A", 2}}}, ID: "1"})
	require.NoError(t, err)
	move, err := json.Marshal(booked{Doc: Doc{Type: "move", From: "S", To: "L", Lines: []Line{{"A", 3}, {"B", 1}}}, ID: "2"})
	require.NoError(t, err)
	b.locked(t, 1, fulfillment.OutdocCorrection, storage.OutdocPart{Status: storage.PartApplied, DocType: TypeLoss, Change: loss})
	b.locked(t, 2, fulfillment.OutdocToLongStorage, storage.OutdocPart{Status: storage.PartApplied, DocType: "move", Change: move})
	b.locked(t, 3, fulfillment.OutdocShipment, storage.OutdocPart{Status: storage.PartApplied, DocType: TypeLoss, Change: loss})

	now := time.Now()
	require.NoError(t, b.flow.Summary(t.Context(), now))
	require.Equal(t, map[string]string{"stockdocs-summary/W/" + now.In(fulfillment.Moscow).Format("2006-01-02"): "Склад W за сутки по коррекциям и длительному хранению: " +
		"списано 2 шт. (товаров: 1, документов: 1); перемещено 4 шт. (товаров: 2, документов: 1)"}, b.alerts.text,
		"a goods_shipment is not this flow's")

	clear(b.alerts.text)
	require.NoError(t, b.flow.Summary(t.Context(), now.Add(25*time.Hour)))
	require.Empty(t, b.alerts.text, "a quiet day tells nothing")
}
