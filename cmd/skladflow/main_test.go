package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, runDemo(context.Background(), demoOptions{Out: &out, Log: slog.New(slog.DiscardHandler)}))
	s := out.String()
	require.Contains(t, s, "Приёмка 00042, статус «Проведён», проведена: да")
	require.Contains(t, s, "MG-350   Кружка керамическая 350 мл         20 шт.")
	require.Contains(t, s, "TH-750   Термос 0,75 л                       6 шт.")
	require.NotContains(t, s, "TH-500   Термос 0,5 л", "the line that did not arrive is removed")
	require.Contains(t, s, "Поставка от ООО «Посуда-Опт», счёт 118 от 20.11\n    —— skladflow ——")
	require.Contains(t, s, "ожидалось 24, принято 20 (недостача 4)")
	require.Contains(t, s, "TH-750 «Термос 0,75 л»: не заказан, принято 6 — добавлена строка")
	require.Contains(t, s, "submitted → received (receipt_applied)")
}

func TestRunRejectsBadUsage(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.Error(t, run(context.Background(), nil, &stdout, &stderr))
	require.ErrorContains(t, run(context.Background(), []string{"frobnicate"}, &stdout, &stderr), `unknown command "frobnicate"`)
	require.NoError(t, run(context.Background(), []string{"help"}, &stdout, &stderr))
	require.Contains(t, stdout.String(), "skladflow serve")
}

func TestServeRejectsBadConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "skladflow.yaml")
	require.NoError(t, os.WriteFile(path, []byte("public_url: \"https://x.ru\"\nmoysklad: { token: \"${SKLADFLOW_TEST_UNSET_TOKEN}\" }\n"), 0o600))
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--config", path}, &bytes.Buffer{}, &stderr)
	require.ErrorContains(t, err, "moysklad.token: environment variable SKLADFLOW_TEST_UNSET_TOKEN is not set")
}

func TestRetryQueuesARerun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "skladflow.db")
	path := filepath.Join(dir, "skladflow.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
public_url: "https://x.ru"
database: "`+db+`"
moysklad: { token: t, webhook_secret: "0123456789abcdef" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`), 0o600))
	ctx := context.Background()
	s, err := storage.Open(ctx, storage.Config{Path: db})
	require.NoError(t, err)
	_, err = s.Update(ctx, "supply", "d1", func(_ *storage.Tx, d *storage.Document) error { d.State, d.Name = "submit_failed", "00042"; return nil })
	require.NoError(t, err)
	require.NoError(t, s.Close())

	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"retry", "--config", path, "supply", "d1"}, &out, &bytes.Buffer{}))
	require.Equal(t, "queued: supply d1 (00042), now submit_failed\n", out.String())
	require.ErrorContains(t, run(ctx, []string{"retry", "--config", path, "supply", "nope"}, &out, &bytes.Buffer{}), "skladflow has no record of it")

	s, err = storage.Open(ctx, storage.Config{Path: db})
	require.NoError(t, err)
	defer s.Close()
	jobs, err := s.River().JobList(ctx, river.NewJobListParams().Kinds("rerun_document"))
	require.NoError(t, err)
	require.Len(t, jobs.Jobs, 1)
}

func TestSetupDryRunThenApply(t *testing.T) {
	t.Parallel()
	srv := moyskladtest.NewServer(moyskladtest.Options{RateLimit: -1})
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "skladflow.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
public_url: "https://skladflow.example.ru"
moysklad: { base_url: "`+srv.URL()+`", token: "`+srv.Token()+`", webhook_secret: "0123456789abcdef-secret" }
warehouses: [{ name: a, store: b, fbox: { partner_id: p, password: q } }]
`), 0o600))
	ctx := context.Background()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"setup", "--config", path, "--dry-run"}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "skladflow setup would:\n  + create status supply «Передать» (Regular)")
	require.NotContains(t, out.String(), "0123456789abcdef-secret")
	require.Equal(t, 0, len(srv.Requests())-countGets(srv.Requests()), "a dry run writes nothing")

	out.Reset()
	require.NoError(t, run(ctx, []string{"setup", "--config", path}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "Done: 22 changes.")
	out.Reset()
	require.NoError(t, run(ctx, []string{"setup", "--config", path}, &out, &bytes.Buffer{}))
	require.Equal(t, "MoySklad is ready: nothing to change.\n", out.String())
}

func countGets(rs []moyskladtest.Request) int {
	n := 0
	for _, r := range rs {
		if r.Method == "GET" {
			n++
		}
	}
	return n
}
