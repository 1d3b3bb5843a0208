package service_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/storage"
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
// "Повторить" and checks the document reaches the warehouse. Before that, a
// page on another port of the same host makes the browser post the same
// action (with the cached credentials and a token it planted as a cookie):
// refused, nothing queued.
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

	// Cookies know no ports: the foreign page can set the admin's CSRF
	// cookie to a value it also puts in the form.
	action := b.cfg.PublicURL + "/admin/documents/supply/" + doc.ID + "/retry"
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<form method="post" action="%s"><input type="hidden" name="_csrf" value="planted"></form>
<script>document.cookie = "skladflow_csrf=planted; path=/admin"; document.forms[0].submit()</script>`, action)
	}))
	defer evil.Close()

	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("admin:admin-pass-1"))
	var refused, list, page, token, flash string
	var shotList, shotDoc []byte
	require.NoError(t, chromedp.Run(ctx,
		network.Enable(),
		// As if the operator had logged in before: the browser sends the
		// credentials with every request, the forged one too.
		network.SetExtraHTTPHeaders(network.Headers{"Authorization": auth}),
		chromedp.Navigate(evil.URL),
		chromedp.Poll(fmt.Sprintf(`location.origin === %q && document.readyState === "complete" && document.body.innerText`, b.cfg.PublicURL), &refused),
	))
	require.Contains(t, refused, `"error":"csrf"`)
	reruns, err := b.svc.Store.River().JobList(b.ctx, river.NewJobListParams().Kinds(storage.RerunDocumentArgs{}.Kind()))
	require.NoError(t, err)
	require.Empty(t, reruns.Jobs, "the forged post queued nothing")
	b.waitRow(t, moysklad.TypeSupply, doc.ID, "submit_failed")

	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(b.cfg.PublicURL+"/admin?errors=true"),
		chromedp.WaitVisible("table.docs", chromedp.ByQuery),
		chromedp.Text("table.docs", &list, chromedp.ByQuery),
		chromedp.FullScreenshot(&shotList, 100),
		chromedp.Click("table.docs a", chromedp.ByQuery),
		chromedp.WaitVisible("table.timeline", chromedp.ByQuery),
		chromedp.Text("main", &page, chromedp.ByQuery),
		chromedp.FullScreenshot(&shotDoc, 100),
		chromedp.Evaluate(`new FormData(document.querySelector("#retry").form).get("_csrf")`, &token),
		chromedp.Click("#retry", chromedp.ByID),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	))
	require.Contains(t, list, "Приёмка 00042")
	require.Contains(t, list, "Склад временно не принимает поставки")
	require.Contains(t, page, "ошибка склада 1000: Склад временно не принимает поставки")
	require.Contains(t, page, "submitting → submit_failed")
	require.NotEmpty(t, token, "the form carries the token")
	require.Equal(t, "Повтор поставлен в очередь.", strings.TrimSpace(flash))

	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Contains(t, lastLine(t, d), "Передан на склад БетаПРО")
	if dir := os.Getenv("SKLADFLOW_SCREENSHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "admin-documents.png"), shotList, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "admin-document.png"), shotDoc, 0o644))
	}
}
