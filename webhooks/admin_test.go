package webhooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/storage"
	"github.com/skladflow/skladflow/webhooks"
)

const (
	docID     = "4081cebb-f82b-11f0-0a80-0472000f6157"
	docPath   = "/admin/documents/supply/" + docID
	adminPass = "admin-pass-1"
)

type admin struct {
	url   string
	store *storage.Store
	edge  *webhooks.Server
	log   *syncBuffer
}

// adminSetup serves the edge with the operator's routes on, over a store
// that holds one failed supply.
func adminSetup(t *testing.T) admin {
	t.Helper()
	ctx := context.Background()
	store, err := storage.Open(ctx, storage.Config{Path: filepath.Join(t.TempDir(), "db.sqlite")})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	_, err = store.Update(ctx, "supply", docID, func(_ *storage.Tx, d *storage.Document) error {
		d.Name, d.Flow, d.State, d.Warehouse, d.LastError = "00042", "inbound", "submit_failed", "БетаПРО", "ошибка склада 1000"
		return nil
	})
	require.NoError(t, err)
	log := &syncBuffer{}
	edge, err := webhooks.New(webhooks.Config{MoySkladSecret: secret, AdminPassword: adminPass,
		Logger: slog.New(slog.NewJSONHandler(log, nil))}, store, store)
	require.NoError(t, err)
	srv := httptest.NewServer(edge.Handler())
	t.Cleanup(srv.Close)
	return admin{url: srv.URL, store: store, edge: edge, log: log}
}

// do sends an operator's request; header holds extra headers.
func (a admin) do(t *testing.T, client *http.Client, method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.url+path, body)
	require.NoError(t, err)
	req.SetBasicAuth("admin", adminPass)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(raw)
}

// browser is a client that keeps cookies and does not follow redirects,
// as a browser without Sec-Fetch-Site would.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (a admin) jobs(t *testing.T) int {
	t.Helper()
	counts, err := a.store.JobCounts(context.Background())
	require.NoError(t, err)
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

var tokenField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// token opens the document's page and returns the token its forms carry.
func (a admin) token(t *testing.T, client *http.Client) string {
	t.Helper()
	resp, page := a.do(t, client, "GET", docPath, nil, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	m := tokenField.FindAllStringSubmatch(page, -1)
	require.Len(t, m, 2, "both forms carry the token")
	return m[0][1]
}

func requireRefused(t *testing.T, resp *http.Response, body string) {
	t.Helper()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	var e struct{ Error, Message string }
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	require.Equal(t, "csrf", e.Error)
	require.NotEmpty(t, e.Message)
}

func TestAdminActionWithoutTokenIsRefused(t *testing.T) {
	t.Parallel()
	a := adminSetup(t)
	client := browser(t)
	a.token(t, client) // the cookie is set: only the form's field is missing
	for _, form := range []url.Values{{}, {"_csrf": {"forged"}}} {
		for _, action := range []string{"retry", "check"} {
			resp, body := a.do(t, client, "POST", docPath+"/"+action, form, nil)
			requireRefused(t, resp, body)
		}
	}
	require.Zero(t, a.jobs(t), "nothing queued")
}

func TestAdminActionWithTokenQueues(t *testing.T) {
	t.Parallel()
	a := adminSetup(t)
	client := browser(t)
	token := a.token(t, client)
	resp, _ := a.do(t, client, "POST", docPath+"/retry", url.Values{"_csrf": {token}}, nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, docPath+"?queued=retry", resp.Header.Get("Location"))
	require.Equal(t, 1, a.jobs(t))
}

func TestAdminActionFromAnotherOriginIsRefused(t *testing.T) {
	t.Parallel()
	a := adminSetup(t)
	client := browser(t)
	token := a.token(t, client)
	// Even with a valid token: another port of the same host is another origin.
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		{"Origin": "https://evil.example"}, // a browser without Sec-Fetch-Site
	} {
		resp, body := a.do(t, client, "POST", docPath+"/retry", url.Values{"_csrf": {token}}, h)
		requireRefused(t, resp, body)
	}
	require.Zero(t, a.jobs(t), "nothing queued")
}

func TestAPIRetryNeedsNoToken(t *testing.T) {
	t.Parallel()
	a := adminSetup(t)
	// curl -X POST -u admin:… sends no cookie, no Origin, no Sec-Fetch-Site.
	resp, body := a.do(t, http.DefaultClient, "POST", "/api/documents/supply/"+docID+"/retry", nil, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, body)
	require.Equal(t, 1, a.jobs(t))

	// A browser made to post there by a foreign page is refused.
	resp, body = a.do(t, http.DefaultClient, "POST", "/api/documents/supply/"+docID+"/retry", url.Values{},
		map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	requireRefused(t, resp, body)
	require.Equal(t, 1, a.jobs(t), "nothing more queued")
}

func TestAdminTemplateErrorIsLoggedAnd500(t *testing.T) {
	t.Parallel()
	a := adminSetup(t)
	a.edge.SetPages(template.Must(template.New("document.html").Parse(`<p>{{template "missing" .}}</p>`)))
	resp, body := a.do(t, http.DefaultClient, "GET", docPath, nil, nil)
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	require.JSONEq(t, `{"error":"internal","message":"internal error"}`, body)
	logged := a.log.String()
	require.Contains(t, logged, `"path":"`+docPath+`"`)
	require.Contains(t, logged, "render document.html")
}

// syncBuffer is a log sink the server writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
