package service_test

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
)

// chromium finds the browser. Without one the test is skipped, unless
// SKLADFLOW_BROWSER=required (CI installs Debian's chromium and sets it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SKLADFLOW_BROWSER") == "required" {
		t.Fatal("no chromium on this machine (apt-get install chromium)")
	}
	t.Skip("no chromium: set SKLADFLOW_BROWSER=required to make this a failure")
	return ""
}

// TestAdminInBrowser opens a failed document in a real browser, clicks
// "Повторить" and checks the document reaches the warehouse.
func TestAdminInBrowser(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	b := setup(t, setupOpts{edit: func(c *config.Config) { c.Admin.Password = "admin-pass-1" }})
	b.fb.FailNext(fboxtest.Fault{Method: "POST", PathPrefix: "/indocs", Code: 1000, Message: "Склад временно не принимает поставки", Count: 1})
	doc := b.supply(t, "Поставка от ООО Ромашка", line{b.p.kettle, 10}, line{b.p.mug, 24})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Ошибка передачи")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submit_failed")

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900))...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin-pass-1"))
	var list, page, flash string
	var shotList, shotDoc []byte
	require.NoError(t, chromedp.Run(ctx,
		network.Enable(),
		network.SetExtraHTTPHeaders(network.Headers{"Authorization": auth}),
		chromedp.Navigate(b.cfg.PublicURL+"/admin?errors=true"),
		chromedp.WaitVisible("table.docs", chromedp.ByQuery),
		chromedp.Text("table.docs", &list, chromedp.ByQuery),
		chromedp.FullScreenshot(&shotList, 100),
		chromedp.Click("table.docs a", chromedp.ByQuery),
		chromedp.WaitVisible("table.timeline", chromedp.ByQuery),
		chromedp.Text("main", &page, chromedp.ByQuery),
		chromedp.FullScreenshot(&shotDoc, 100),
		chromedp.Click("#retry", chromedp.ByID),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	))
	require.Contains(t, list, "Приёмка 00042")
	require.Contains(t, list, "Склад временно не принимает поставки")
	require.Contains(t, page, "ошибка склада 1000: Склад временно не принимает поставки")
	require.Contains(t, page, "submitting → submit_failed")
	require.Equal(t, "Повтор поставлен в очередь.", strings.TrimSpace(flash))

	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО")
	if dir := os.Getenv("SKLADFLOW_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "admin-documents.png"), shotList, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "admin-document.png"), shotDoc, 0o644))
	}
}
