package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

func TestGoodsSyncDryRunThenRun(t *testing.T) {
	t.Parallel()
	ms := moyskladtest.NewServer(moyskladtest.Options{RateLimit: -1})
	t.Cleanup(ms.Close)
	fb := fboxtest.NewServer(fboxtest.Options{})
	t.Cleanup(fb.Close)
	mug := ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-350", Barcodes: []string{"4601234567890"}})
	_, err := ms.AddVariant(moyskladtest.VariantSpec{ProductID: mug.ID, Code: "MG-350-B", Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}}})
	require.NoError(t, err)
	ms.AddProduct(moyskladtest.ProductSpec{Name: "Ложка"})
	dir := t.TempDir()
	path := filepath.Join(dir, "skladflow.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
public_url: "https://skladflow.example.ru"
database: "`+filepath.Join(dir, "skladflow.db")+`"
moysklad: { base_url: "`+ms.URL()+`", token: "`+ms.Token()+`", webhook_secret: "0123456789abcdef-secret" }
warehouses: [{ name: БетаПРО, store: b, fbox: { base_url: "`+fb.URL()+`", partner_id: partner, password: secret } }]
`), 0o600))
	ctx := context.Background()

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"goods", "sync", "--config", path, "--dry-run"}, &out, &bytes.Buffer{}))
	require.Equal(t, "warehouse БетаПРО: would register 2 goods, 0 already current, 1 skipped\n"+
		"  + MG-350\n  + MG-350-B\n  ! у товара «Ложка» не заполнено поле «Артикул»\n", out.String())
	_, registered := fb.Good("MG-350")
	require.False(t, registered, "a dry run registers nothing")

	out.Reset()
	require.NoError(t, run(ctx, []string{"goods", "sync", "--config", path}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "warehouse БетаПРО: registered 2 goods, 0 already current, 1 skipped\n")
	card, ok := fb.Good("MG-350-B")
	require.True(t, ok)
	require.Equal(t, "Кружка (синий)", card.GoodName)
	card, _ = fb.Good("MG-350")
	require.Equal(t, []string{"4601234567890"}, card.EANs)

	out.Reset()
	require.NoError(t, run(ctx, []string{"goods", "sync", "--config", path}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "registered 0 goods, 2 already current", "the bindings are kept in the database")

	var stderr bytes.Buffer
	var bad *usageError
	require.ErrorAs(t, run(ctx, []string{"goods"}, &out, &stderr), &bad)
	require.ErrorAs(t, run(ctx, []string{"goods", "sync", "--bogus"}, &out, &stderr), &bad)
	require.Contains(t, stderr.String(), "Usage: skladflow goods sync")
	require.ErrorContains(t, run(ctx, []string{"goods", "sync", "--config", path, "--warehouse", "nope"}, &out, &stderr), `no warehouse named "nope"`)
	out.Reset()
	require.NoError(t, run(ctx, []string{"goods", "sync", "--help"}, &out, &stderr))
	require.Contains(t, out.String(), "Usage: skladflow goods sync [flags]")
}
