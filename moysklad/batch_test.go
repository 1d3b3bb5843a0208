package moysklad_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// requests counts the requests the emulator answered with method whose
// path starts with prefix.
func (b *bundle) requests(method, prefix string) int {
	n := 0
	for _, r := range b.srv.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// supplies makes n supplies with two lines each (none with lines when
// bare).
func (b *bundle) supplies(t *testing.T, n int, bare bool) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		spec := moyskladtest.DocumentSpec{Name: strconv.Itoa(i + 1), Store: b.store.ID}
		if !bare {
			spec.Positions = []moyskladtest.PositionSpec{{ProductID: b.p1.ID, Quantity: 3}, {ProductID: b.p2.ID, Quantity: 2}}
		}
		d, err := b.srv.CreateDocument(moysklad.TypeSupply, spec)
		require.NoError(t, err)
		ids[i] = d.ID
	}
	return ids
}

func TestGetDocumentsReadsAHundredPerRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.supplies(t, 252, false)
	deleted := ids[250:]
	for _, id := range deleted {
		require.NoError(t, b.client.DeleteDocument(b.ctx, moysklad.TypeSupply, id))
	}
	asked := append(append([]string{}, ids...), ids[:10]...) // ten asked twice

	docs, err := b.client.GetDocuments(b.ctx, moysklad.TypeSupply, asked, "state", "positions.assortment")
	require.NoError(t, err)
	require.Len(t, docs, 250)
	for _, id := range ids[:250] {
		require.Contains(t, docs, id)
		require.Len(t, docs[id].Rows(), 2)
		require.Equal(t, "KT-1", docs[id].Rows()[0].Assortment.Article, "positions and their products expanded")
	}
	for _, id := range deleted {
		require.NotContains(t, docs, id, "a deleted document is absent")
	}
	require.Equal(t, 3, b.srv.ListRequests(moysklad.TypeSupply), "252 ids, duplicates read once: 3 lists of at most 100")
	require.Zero(t, b.requests(http.MethodGet, "/entity/supply/"), "no document read one by one")

	none, err := b.client.GetDocuments(b.ctx, moysklad.TypeSupply, nil)
	require.NoError(t, err)
	require.Empty(t, none)
	require.Equal(t, 3, b.srv.ListRequests(moysklad.TypeSupply), "nothing asked, nothing sent")
}

// An expanded document carries up to 1000 positions (moysklad.md §4.3): the
// rest are read through /positions.
func TestGetDocumentsCompletesLongDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lines := make([]moyskladtest.PositionSpec, 1234)
	for i := range lines {
		lines[i] = moyskladtest.PositionSpec{ProductID: b.p1.ID, Quantity: float64(i + 1)}
	}
	long, err := b.srv.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID, Positions: lines})
	require.NoError(t, err)
	short := b.supply(t)

	docs, err := b.client.GetDocuments(b.ctx, moysklad.TypeSupply, []string{long.ID, short.ID}, "positions.assortment")
	require.NoError(t, err)
	require.Len(t, docs[long.ID].Rows(), 1234)
	require.Equal(t, 1234.0, docs[long.ID].Rows()[1233].Quantity)
	require.Len(t, docs[short.ID].Rows(), 2)
	require.Equal(t, 13, b.requests(http.MethodGet, "/entity/supply/"+long.ID+"/positions"), "1234 rows in pages of 100")
	require.Zero(t, b.requests(http.MethodGet, "/entity/supply/"+short.ID))
}

func TestGetDocumentsFallsBackWhenTheIDFilterIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, moyskladtest.Options{RefuseIDFilter: true})
	ids := b.supplies(t, 3, false)
	missing := "00000000-0000-4000-8000-000000000000"

	docs, err := b.client.GetDocuments(b.ctx, moysklad.TypeSupply, append(ids, missing), "positions")
	require.NoError(t, err)
	require.Len(t, docs, 3)
	require.Len(t, docs[ids[0]].Rows(), 2)
	require.NotContains(t, docs, missing)
	require.Equal(t, 1, b.srv.ListRequests(moysklad.TypeSupply), "refused once")
	require.Equal(t, 4, b.requests(http.MethodGet, "/entity/supply/"), "then one GET per id")

	docs, err = b.client.GetDocuments(b.ctx, moysklad.TypeSupply, ids[:2])
	require.NoError(t, err)
	require.Len(t, docs, 2)
	require.Equal(t, 1, b.srv.ListRequests(moysklad.TypeSupply), "the refusal is remembered: no list tried again")
	require.Equal(t, 6, b.requests(http.MethodGet, "/entity/supply/"))
}

func TestUpdateDocumentsAnswersEachElement(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.supplies(t, 3, false)
	st := b.srv.AddState(moysklad.TypeSupply, "Передан", moysklad.StateRegular)
	moveState := b.srv.AddState(moysklad.TypeMove, "Передан", moysklad.StateRegular)
	missing := "00000000-0000-4000-8000-000000000000"
	d3, err := b.srv.Document(moysklad.TypeSupply, ids[2])
	require.NoError(t, err)
	keep := []moysklad.Position{d3.Rows()[0].ForWrite()}
	keep[0].Quantity = 7
	desc, posted := "передано", true
	before := b.client.Stats().Requests

	results, err := b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, []moysklad.BatchUpdate{
		{ID: ids[0], Update: moysklad.DocumentUpdate{State: st.Ref(), Description: &desc}},
		{ID: ids[1], Update: moysklad.DocumentUpdate{State: moveState.Ref()}},
		{ID: ids[2], Update: moysklad.DocumentUpdate{Positions: &keep, Applicable: &posted}},
		{ID: missing, Update: moysklad.DocumentUpdate{Description: &desc}},
	})
	require.NoError(t, err, "refused elements do not fail the call")
	require.Len(t, results, 4)

	require.NoError(t, results[0].Err)
	require.Equal(t, ids[0], results[0].Doc.ID)
	require.Equal(t, desc, results[0].Doc.Description)
	var apiErr *moysklad.APIError
	require.ErrorAs(t, results[1].Err, &apiErr)
	require.Nil(t, results[1].Doc)
	require.Equal(t, 400, apiErr.Status, "classified as a PUT's refusal: final")
	require.Equal(t, http.MethodPost, apiErr.Method)
	require.Equal(t, "entity/supply", apiErr.Path)
	require.True(t, apiErr.HasCode(moysklad.CodeStateOfOtherType))
	require.False(t, apiErr.Temporary())
	require.NoError(t, results[2].Err)
	require.True(t, results[2].Doc.Applicable)
	require.ErrorIs(t, results[3].Err, moysklad.ErrNotFound, "1021 classifies as a PUT's 404")

	got, err := b.srv.Document(moysklad.TypeSupply, ids[0])
	require.NoError(t, err)
	require.Equal(t, "Передан", got.StateName())
	got, err = b.srv.Document(moysklad.TypeSupply, ids[1])
	require.NoError(t, err)
	require.Empty(t, got.StateName())
	got, err = b.srv.Document(moysklad.TypeSupply, ids[2])
	require.NoError(t, err)
	require.Len(t, got.Rows(), 1, "positions replace all rows, as in a PUT")
	require.Equal(t, 7.0, got.Rows()[0].Quantity)

	n, elems := b.srv.MassUpdates(moysklad.TypeSupply)
	require.Equal(t, [2]int{1, 4}, [2]int{n, elems})
	require.EqualValues(t, 1, b.client.Stats().Requests-before, "one request for the limiter")
	require.Zero(t, b.requests(http.MethodPut, "/"))
	for _, r := range b.srv.Requests() {
		if r.Mass {
			require.Equal(t, []string{"https://skladflow.example.ru"}, r.DisableByPrefix, "the echo suppression header, as on a PUT")
		}
	}
}

func TestUpdateDocumentsSplitsRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.supplies(t, 1001, true)
	upds := make([]moysklad.BatchUpdate, len(ids))
	for i, id := range ids {
		desc := "строка " + strconv.Itoa(i)
		upds[i] = moysklad.BatchUpdate{ID: id, Update: moysklad.DocumentUpdate{Description: &desc}}
	}
	results, err := b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, upds)
	require.NoError(t, err)
	require.Len(t, results, 1001)
	for i, r := range results {
		require.NoError(t, r.Err)
		require.Equal(t, ids[i], r.Doc.ID, "results in the order of the updates")
	}
	n, elems := b.srv.MassUpdates(moysklad.TypeSupply)
	require.Equal(t, [2]int{2, 1001}, [2]int{n, elems}, "at most 1000 elements a request")

	// The body bound splits too (10 MB; lowered here).
	moysklad.SetBatchBytes(b.client, 400)
	results, err = b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, upds[:3])
	require.NoError(t, err)
	require.Len(t, results, 3)
	n, elems = b.srv.MassUpdates(moysklad.TypeSupply)
	require.Equal(t, [2]int{4, 1004}, [2]int{n, elems}, "three elements of ~170 bytes under a 400-byte bound: two requests")
}

// A mass update that fails as a whole: every element carries the error,
// and a POST is never repeated after a 5xx or no answer (only after 429).
func TestUpdateDocumentsWholeCallErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.supplies(t, 2, true)
	desc := "x"
	upds := []moysklad.BatchUpdate{{ID: ids[0], Update: moysklad.DocumentUpdate{Description: &desc}},
		{ID: ids[1], Update: moysklad.DocumentUpdate{Description: &desc}}}
	posts := func() int { return b.requests(http.MethodPost, "/entity/supply") }

	b.srv.FailNext(moyskladtest.Fault{Method: http.MethodPost, Status: 500, Code: 1000, Message: "Внутренняя ошибка"})
	results, err := b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, upds)
	var apiErr *moysklad.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 500, apiErr.Status)
	require.True(t, apiErr.Temporary())
	require.Len(t, results, 2)
	for _, r := range results {
		require.ErrorIs(t, r.Err, err)
		require.Nil(t, r.Doc)
	}
	require.Equal(t, 1, posts(), "not repeated after a 5xx")

	b.srv.DropAnswerNext(http.MethodPost, "/entity/supply")
	_, err = b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, upds)
	var te *moysklad.TransportError
	require.ErrorAs(t, err, &te)
	// The emulator logs a dropped request after closing the connection.
	require.Eventually(t, func() bool { return posts() >= 2 }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, 2, posts(), "not repeated after no answer: the client returned after one attempt")
	got, gerr := b.srv.Document(moysklad.TypeSupply, ids[0])
	require.NoError(t, gerr)
	require.Equal(t, "x", got.Description, "written, though the caller cannot know it")

	b.srv.FailNext(moyskladtest.Fault{Method: http.MethodPost, Status: 200, Message: "не массив"})
	_, err = b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, upds)
	require.Error(t, err, "an answer that is no array")
	require.Equal(t, 3, posts())

	b.srv.FailNext(moyskladtest.Fault{Method: http.MethodPost, Status: 429, Code: 1049, Count: 2, RetryAfter: 20 * time.Millisecond})
	results, err = b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, upds)
	require.NoError(t, err, "repeated after 429, which MoySklad answers before doing anything")
	require.NoError(t, results[1].Err)
	require.Equal(t, 6, posts())
}

func TestUpdateDocumentsRefusesADocumentTwice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.supplies(t, 1, true)
	desc := "x"
	_, err := b.client.UpdateDocuments(b.ctx, moysklad.TypeSupply, []moysklad.BatchUpdate{
		{ID: ids[0], Update: moysklad.DocumentUpdate{Description: &desc}},
		{ID: ids[0], Update: moysklad.DocumentUpdate{Description: &desc}}})
	require.ErrorIs(t, err, moysklad.ErrDuplicateUpdate)
	require.Empty(t, b.srv.Requests(), "nothing sent")
}

// A MoySklad that ignores the id filter answers documents not asked for:
// the client reads one by one instead of taking the page for the answer.
func TestGetDocumentsFallsBackWhenTheIDFilterIsIgnored(t *testing.T) {
	t.Parallel()
	var lists, gets atomic.Int32
	doc := func(id string) string {
		return `{"meta":{"href":"x/entity/supply/` + id + `","type":"supply"},"id":"` + id + `"}`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/entity/supply" {
			lists.Add(1)
			_, _ = io.WriteString(w, `{"meta":{"size":3},"rows":[`+doc("a")+`,`+doc("b")+`,`+doc("c")+`]}`)
			return
		}
		gets.Add(1)
		_, _ = io.WriteString(w, doc(strings.TrimPrefix(r.URL.Path, "/entity/supply/")))
	}))
	t.Cleanup(srv.Close)
	c, err := moysklad.NewClient(moysklad.Config{BaseURL: srv.URL, Token: "t"})
	require.NoError(t, err)
	docs, err := c.GetDocuments(context.Background(), moysklad.TypeSupply, []string{"b"})
	require.NoError(t, err)
	require.Len(t, docs, 1)
	require.Equal(t, "b", docs["b"].ID)
	require.EqualValues(t, 1, lists.Load())
	require.EqualValues(t, 1, gets.Load())
}

// A variant's line is serial-tracked when its product is (spec
// variant.yaml: the variant has no flag of its own): ExpandSerial expands
// the product, on the rows read through /positions too; GetVariant reads
// the variant with it.
func TestVariantLinesOfSerialTrackedProduct(t *testing.T) {
	t.Parallel()
	b := setup(t)
	phone := b.srv.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-1", SerialTrackable: true})
	v, err := b.srv.AddVariant(moyskladtest.VariantSpec{ProductID: phone.ID, Code: "PH-1-BLK"})
	require.NoError(t, err)
	lines := make([]moyskladtest.PositionSpec, 1100)
	for i := range lines {
		lines[i] = moyskladtest.PositionSpec{ProductID: v.ID, Quantity: 1, Things: []string{fmt.Sprintf("SN-%d", i)}}
	}
	long, err := b.srv.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "1", Store: b.store.ID, Positions: lines})
	require.NoError(t, err)

	d, err := b.client.GetDocument(b.ctx, moysklad.TypeSupply, long.ID, moysklad.ExpandSerial)
	require.NoError(t, err)
	require.Len(t, d.Rows(), 1100)
	for _, i := range []int{0, 1099} {
		p := d.Rows()[i]
		p.SetThings(nil) // the product's flag, not the serials, says so
		require.True(t, p.Serial(), "line %d", i)
	}
	d, err = b.client.GetDocument(b.ctx, moysklad.TypeSupply, long.ID, "positions.assortment")
	require.NoError(t, err)
	p := d.Rows()[1099]
	p.SetThings(nil)
	require.False(t, p.Serial(), "without the product a variant's line cannot tell")

	got, err := b.client.GetVariant(b.ctx, v.ID)
	require.NoError(t, err)
	require.True(t, got.SerialTracked())
	found, err := b.client.FindVariants(b.ctx, moysklad.SKUCode, "PH-1-BLK")
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.True(t, found[0].SerialTracked())
}
