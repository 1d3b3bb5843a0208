package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, runDemo(context.Background(), demoOptions{Out: &out, Log: slog.New(slog.DiscardHandler)}))
	s := out.String()
	require.Contains(t, s, "Приёмка 00042, статус «Проведён», проведён: да")
	require.Contains(t, s, "MG-350   Кружка керамическая 350 мл         20 шт.")
	require.Contains(t, s, "TH-750   Термос 0,75 л                       6 шт.")
	require.NotContains(t, s, "TH-500   Термос 0,5 л", "the line that did not arrive is removed")
	require.Contains(t, s, "Поставка от ООО «Посуда-Опт», счёт 118 от 20.11\n    —— skladflow ——")
	require.Contains(t, s, "ожидалось 24, принято 20 (недостача 4)")
	require.Contains(t, s, "TH-750 «Термос 0,75 л»: не заказан, принято 6 — добавлена строка")
	require.Contains(t, s, "submitted → received (receipt_applied)")
	require.Contains(t, s, "Отгрузка 00107, статус «Доставлен»")
	require.Regexp(t, `Трек-номер СДЭК: 11070\d+`, s)
	require.Regexp(t, `Передан в СДЭК: заказ № 11070\d+ \(номер магазина MS-00107\)`, s)
	require.Contains(t, s, "СДЭК: Вручен (Новосибирск)")
	// The warehouse ships a customer order one mug short.
	require.Contains(t, s, "Заказ покупателя 00212, статус «Отгружен частично»")
	require.Regexp(t, `Отгружен частично складом БетаПРО \(док\. склада \d+\): служба доставки «СДЭК», отгрузка \d+ проведена, 3 шт\., трек-номер \d+; не отгружено: MG-350 «Кружка керамическая 350 мл» 2 из 3`, s)
	require.Regexp(t, `Отгрузка, созданная по заказу:\n  Отгрузка \d+, проведён: да\n  Трек-номер: \d+\n   1\. KT-1700 .* 1 шт\.\n   2\. MG-350 .* 2 шт\.`, s)
	// A mug comes back, a kettle is not found; the books still agree with the
	// warehouse, the substitute thermos skladflow never registered included.
	require.Contains(t, s, "Заказ покупателя 00212, статус «Частичный возврат»")
	require.Regexp(t, `Возврат на склад БетаПРО \(док\. склада \d+\): частичный возврат заказа 00212; возврат покупателя \d+ проведён — годных 1`, s)
	require.Contains(t, s, "создано и проведено списание одного чайника (политика карантина «writeoff»): в МойСклад на складе 8 шт.")
	require.Contains(t, s, "склад БетаПРО: товаров 4, совпадает 4, в пути 0, объяснено 0, не объяснено 0.")
	// A bulk «Передать»: every supply handed over, in fewer requests than
	// one by one (a GET and a PUT each: 200), and at least one list read
	// (the first job's read brings the documents queued behind it). How
	// many fewer depends on how the jobs meet, i.e. on the machine's load:
	// 22 on an idle one, 141 with the CPU saturated.
	m := regexp.MustCompile(`все 100 в статусе «Передан» за [\d.]+ с; запросов к МойСклад: (\d+) .*списков документов (\d+)`).FindStringSubmatch(s)
	require.NotNil(t, m, s)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	require.Less(t, n, 200)
	lists, err := strconv.Atoi(m[2])
	require.NoError(t, err)
	require.Positive(t, lists)
	require.Regexp(t, `Передан на склад БетаПРО: задание MS-[0-9a-f]{32}, 1 позиция, 5 шт\.`, s)
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
	require.Contains(t, out.String(), "Done: 54 changes.") // 44 statuses (supply, move, demand, purchasereturn), UPDATE and CREATE of each, UPDATE of product and variant
	out.Reset()
	require.NoError(t, run(ctx, []string{"setup", "--config", path}, &out, &bytes.Buffer{}))
	require.Equal(t, "Everything is in place: nothing to change.\n", out.String())
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

func TestDoctor(t *testing.T) {
	t.Parallel()
	ms := moyskladtest.NewServer(moyskladtest.Options{RateLimit: 45})
	t.Cleanup(ms.Close)
	ms.AddStore("Склад БетаПРО")
	fb := fboxtest.NewServer(fboxtest.Options{})
	t.Cleanup(fb.Close)
	dir := t.TempDir()
	n := 0
	write := func(token, store, fboxPassword string) string {
		n++
		path := filepath.Join(dir, fmt.Sprintf("skladflow-%d.yaml", n))
		require.NoError(t, os.WriteFile(path, []byte(`
public_url: "https://skladflow.example.ru"
database: "`+filepath.Join(dir, "db")+`"
moysklad: { base_url: "`+ms.URL()+`", token: "`+token+`", webhook_secret: "0123456789abcdef-secret" }
warehouses: [{ name: БетаПРО, store: "`+store+`", fbox: { base_url: "`+fb.URL()+`", partner_id: partner, password: "`+fboxPassword+`" } }]
`), 0o600))
		return path
	}
	ctx := context.Background()

	var out bytes.Buffer
	err := run(ctx, []string{"doctor", "--config", write(ms.Token(), "Склад Х", "wrong")}, &out, &bytes.Buffer{})
	require.ErrorContains(t, err, "3 problem(s) found")
	s := out.String()
	require.Contains(t, s, "ok   database")
	require.Contains(t, s, "ok   MoySklad API "+ms.URL()+": reachable; rate limit 45 requests per 3s")
	require.Contains(t, s, "FAIL statuses and webhooks in MoySklad and CDEK: 54 missing")
	require.Contains(t, s, "fix: run skladflow setup")
	require.Contains(t, s, `FAIL warehouse "БетаПРО": MoySklad store "Склад Х": no such store`)
	require.Contains(t, s, "fix: set warehouses[0].store to the exact name or id")
	require.Contains(t, s, "credentials refused (HTTP 403)")
	require.Contains(t, s, "fix: check warehouses[0].fbox.partner_id and .password")
	require.NotContains(t, s, "0123456789abcdef-secret")

	out.Reset()
	err = run(ctx, []string{"doctor", "--config", write("bad-token", "Склад БетаПРО", "secret")}, &out, &bytes.Buffer{})
	require.Error(t, err)
	require.Contains(t, out.String(), "the token was refused (HTTP 401)")
	require.NotContains(t, out.String(), "bad-token")

	good := write(ms.Token(), "Склад БетаПРО", "secret")
	require.NoError(t, run(ctx, []string{"setup", "--config", good}, &bytes.Buffer{}, &bytes.Buffer{}))
	out.Reset()
	require.NoError(t, run(ctx, []string{"doctor", "--config", good}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "All checks passed.")
}

func TestDoctorCDEK(t *testing.T) {
	t.Parallel()
	ms := moyskladtest.NewServer(moyskladtest.Options{RateLimit: -1})
	t.Cleanup(ms.Close)
	ms.AddStore("Склад БетаПРО")
	fb := fboxtest.NewServer(fboxtest.Options{})
	t.Cleanup(fb.Close)
	cd := cdektest.NewServer(cdektest.Options{})
	t.Cleanup(cd.Close)
	dir := t.TempDir()
	n := 0
	write := func(secret string) string {
		n++
		path := filepath.Join(dir, fmt.Sprintf("skladflow-%d.yaml", n))
		require.NoError(t, os.WriteFile(path, []byte(`
public_url: "https://skladflow.example.ru"
database: "`+filepath.Join(dir, "db")+`"
moysklad: { base_url: "`+ms.URL()+`", token: "`+ms.Token()+`", webhook_secret: "0123456789abcdef-secret" }
warehouses: [{ name: БетаПРО, store: "Склад БетаПРО", fbox: { base_url: "`+fb.URL()+`", partner_id: partner, password: secret } }]
cdek: { base_url: "`+cd.URL()+`", client_id: "`+cd.ClientID()+`", client_secret: "`+secret+`",
        webhook_secret: "cdek-hook-0123456789", tariff_code: 137, shipment_point: MSK1, number_attribute: "Трек-номер СДЭК" }
`), 0o600))
		return path
	}
	ctx := context.Background()
	var out bytes.Buffer
	err := run(ctx, []string{"doctor", "--config", write("wrong-cdek-secret")}, &out, &bytes.Buffer{})
	require.Error(t, err)
	require.Contains(t, out.String(), "FAIL CDEK API "+cd.URL()+": credentials refused (HTTP 401)")
	require.Contains(t, out.String(), "fix: set cdek.client_id and cdek.client_secret")
	require.NotContains(t, out.String(), "wrong-cdek-secret")

	good := write(cd.ClientSecret())
	out.Reset()
	require.NoError(t, run(ctx, []string{"setup", "--config", good}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "subscribe to CDEK ORDER_STATUS pushes")
	require.Contains(t, out.String(), "create custom field demand «Трек-номер СДЭК» (text)")
	out.Reset()
	require.NoError(t, run(ctx, []string{"doctor", "--config", good}, &out, &bytes.Buffer{}))
	require.Contains(t, out.String(), "ok   CDEK API "+cd.URL()+": credentials accepted")
	require.Contains(t, out.String(), "All checks passed.")
	require.Len(t, cd.Subscriptions(), 1)
}

// Every command answers --help on stdout and exits 0; a wrong flag or
// argument count is a usage error (exit 2) with the usage on stderr.
func TestCommandHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "setup", "doctor", "demo", "retry", "migrate-db"} {
		for _, h := range []string{"--help", "-h"} {
			var stdout, stderr bytes.Buffer
			require.NoError(t, run(context.Background(), []string{cmd, h}, &stdout, &stderr), cmd)
			require.Contains(t, stdout.String(), "Usage: skladflow "+cmd+" [flags]", cmd)
			require.Contains(t, stdout.String(), "Flags:", cmd)
			require.Empty(t, stderr.String(), cmd)
		}
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{cmd, "--no-such-flag"}, &stdout, &stderr)
		var bad *usageError
		require.ErrorAs(t, err, &bad, cmd)
		require.Contains(t, stderr.String(), "flag provided but not defined: -no-such-flag", cmd)
		require.Contains(t, stderr.String(), "Usage: skladflow "+cmd, cmd)
		require.Empty(t, stdout.String(), cmd)
	}
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"retry", "supply"}, &bytes.Buffer{}, &stderr)
	var bad *usageError
	require.ErrorAs(t, err, &bad)
	require.Contains(t, stderr.String(), "want 2 argument(s), got 1")
}

// The binary's exit codes, as a shell sees them.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "skladflow")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	code := func(args ...string) int {
		err := exec.Command(bin, args...).Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		require.NoError(t, err)
		return 0
	}
	require.Equal(t, 0, code("serve", "--help"))
	require.Equal(t, 0, code("help"))
	require.Equal(t, 2, code("serve", "--bogus"))
	require.Equal(t, 2, code("frobnicate"))
	require.Equal(t, 2, code())
	require.Equal(t, 2, code("goods"))
	require.Equal(t, 2, code("goods", "sync", "--bogus"))
	require.Equal(t, 1, code("serve", "--config", filepath.Join(t.TempDir(), "missing.yaml")))
}
