package moyskladtest_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// stockSetup is a store with a product, a variant, a second product, a
// service and a bundle; a second store.
type stockSetup struct {
	*bundle
	other      moysklad.Store
	v, p2, svc moysklad.Product
	bnd        moysklad.Product
	buyer      string
}

// setupStock's server has no rate limit unless opts say (a report weighs
// 5 units: nine of them fill the default bucket).
func setupStock(t *testing.T, opts ...moyskladtest.Options) *stockSetup {
	t.Helper()
	if len(opts) == 0 {
		opts = []moyskladtest.Options{{RateLimit: -1}}
	}
	b := setup(t, opts...)
	v, err := b.srv.AddVariant(moyskladtest.VariantSpec{ProductID: b.p.ID, Name: "Чайник (синий)"})
	require.NoError(t, err)
	p2 := b.srv.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	bnd, err := b.srv.AddBundle(moyskladtest.BundleSpec{Name: "Набор", Components: []moyskladtest.ComponentSpec{{AssortmentID: p2.ID, Quantity: 2}}})
	require.NoError(t, err)
	return &stockSetup{bundle: b, other: b.srv.AddStore("Второй склад"), v: v, p2: p2, bnd: bnd,
		svc:   b.srv.AddService(moyskladtest.ServiceSpec{Name: "Доставка"}),
		buyer: b.srv.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"}).ID}
}

// post creates a posted document as staff.
func (s *stockSetup) post(t *testing.T, typ string, spec moyskladtest.DocumentSpec) string {
	t.Helper()
	spec.Name, spec.Applicable = typ, true
	if typ == "demand" || typ == "customerorder" {
		spec.Agent = s.buyer
	}
	d, err := s.srv.CreateDocument(typ, spec)
	require.NoError(t, err)
	return d.ID
}

func line(id string, q float64) moyskladtest.PositionSpec {
	return moyskladtest.PositionSpec{ProductID: id, Quantity: q, Price: 100}
}

// report reads a report and keys its lines "item/store" (store "null" for
// "storeId": null, "" on all/current) → the value under key.
func (s *stockSetup) report(t *testing.T, query, key string) map[string]float64 {
	t.Helper()
	a := s.call(t, "GET", query, nil)
	require.Equal(t, 200, a.status, string(a.raw))
	var rows []map[string]any
	require.NoError(t, json.Unmarshal(a.raw, &rows), string(a.raw))
	out := map[string]float64{}
	for _, r := range rows {
		store, has := r["storeId"]
		k := r["assortmentId"].(string) + "/"
		if has {
			k += "null"
			if store != nil {
				k = r["assortmentId"].(string) + "/" + store.(string)
			}
		}
		_, dup := out[k]
		require.False(t, dup, "one line per item and store: %s", k)
		require.Contains(t, r, key, "the value is keyed by the stockType")
		out[k] = r[key].(float64)
	}
	return out
}

// moved posts a supply, demand, move, enter, loss and salesreturn (and a
// draft, which moves nothing) and returns the stock they leave.
func (s *stockSetup) moved(t *testing.T) map[string]float64 {
	t.Helper()
	require.NoError(t, s.srv.SetStock(s.store.ID, s.p.ID, 10))
	st, ot := s.store.ID, s.other.ID
	s.post(t, "supply", moyskladtest.DocumentSpec{Store: st, Positions: []moyskladtest.PositionSpec{line(s.p.ID, 5), line(s.v.ID, 2), line(s.svc.ID, 1)}})
	s.post(t, "demand", moyskladtest.DocumentSpec{Store: st, Positions: []moyskladtest.PositionSpec{line(s.p.ID, 1)}})
	s.post(t, "move", moyskladtest.DocumentSpec{SourceStore: st, TargetStore: ot, Positions: []moyskladtest.PositionSpec{line(s.p.ID, 3)}})
	s.post(t, "enter", moyskladtest.DocumentSpec{Store: ot, Positions: []moyskladtest.PositionSpec{line(s.v.ID, 4)}})
	s.post(t, "loss", moyskladtest.DocumentSpec{Store: st, Positions: []moyskladtest.PositionSpec{line(s.v.ID, 1)}})
	s.post(t, "salesreturn", moyskladtest.DocumentSpec{Store: st, Positions: []moyskladtest.PositionSpec{line(s.p.ID, 1)}})
	_, err := s.srv.CreateDocument("supply", moyskladtest.DocumentSpec{Name: "черновик", Store: st,
		Positions: []moyskladtest.PositionSpec{line(s.p2.ID, 7)}})
	require.NoError(t, err)
	return map[string]float64{
		s.p.ID + "/" + st: 10 + 5 - 1 - 3 + 1, s.p.ID + "/" + ot: 3,
		s.v.ID + "/" + st: 2 - 1, s.v.ID + "/" + ot: 4,
	}
}

func TestStockReportIsWhatPostedDocumentsMoved(t *testing.T) {
	t.Parallel()
	s := setupStock(t)
	want := s.moved(t)
	got := s.report(t, "/report/stock/bystore/current", "stock")
	require.Equal(t, want, got, "only non-zero lines, no service, no bundle, no draft")
	for k, q := range want {
		item, store := k[:36], k[37:]
		require.Equal(t, s.srv.Stock(store, item), q)
	}
	require.Equal(t, got, s.report(t, "/report/stock/bystore/current?stockType=stock", "stock"), "stock is the default")

	all := s.report(t, "/report/stock/all/current", "stock")
	require.Equal(t, map[string]float64{s.p.ID + "/": 15, s.v.ID + "/": 5}, all)
}

func TestStockReportZeroLines(t *testing.T) {
	t.Parallel()
	s := setupStock(t)
	want := s.moved(t)
	for _, item := range []string{s.p.ID, s.v.ID, s.p2.ID} {
		for _, store := range []string{s.store.ID, s.other.ID} {
			if _, ok := want[item+"/"+store]; !ok {
				want[item+"/"+store] = 0
			}
		}
	}
	require.Equal(t, want, s.report(t, "/report/stock/bystore/current?include=zeroLines", "stock"),
		"every product and variant at every store")
	require.Equal(t, map[string]float64{s.p.ID + "/": 15, s.v.ID + "/": 5, s.p2.ID + "/": 0},
		s.report(t, "/report/stock/all/current?include=zeroLines", "stock"))
}

func TestStockReportFilters(t *testing.T) {
	t.Parallel()
	s := setupStock(t)
	s.moved(t)
	st, ot := s.store.ID, s.other.ID
	want := map[string]float64{s.p.ID + "/" + st: 15 - 3, s.p.ID + "/" + ot: 3, s.p2.ID + "/" + st: 0, s.p2.ID + "/" + ot: 0}
	for _, q := range []string{
		"filter=assortmentId=" + s.p.ID + "," + s.p2.ID,
		"filter=assortmentId=" + s.p.ID + ";assortmentId=" + s.p2.ID,
		"filter=assortmentId=" + s.p.ID + "&filter=assortmentId=" + s.p2.ID,
	} {
		require.Equal(t, want, s.report(t, "/report/stock/bystore/current?include=zeroLines&"+q, "stock"), q)
	}
	// Different keys narrow each other.
	require.Equal(t, map[string]float64{s.p.ID + "/" + ot: 3, s.v.ID + "/" + ot: 4},
		s.report(t, "/report/stock/bystore/current?filter=storeId="+ot+";assortmentId="+s.p.ID+","+s.v.ID, "stock"))
	require.Equal(t, map[string]float64{s.p.ID + "/": 3, s.v.ID + "/": 4},
		s.report(t, "/report/stock/all/current?filter=storeId="+ot, "stock"))

	for _, bad := range []string{
		"filter=name=Чайник",                          // unknown key
		"filter=assortmentId=" + s.p.ID + ";storeId=", // empty value
		"filter=storeId=" + s.store.Meta.Href,         // an href, not an id
		"filter=assortmentId=12345",                   // not a UUID
		"filter=storeId!=" + st,                       // only = is documented
		"stockType=available",
		"include=zeroes",
	} {
		a := s.call(t, "GET", "/report/stock/bystore/current?"+bad, nil)
		require.Equal(t, 400, a.status, bad)
		require.NotZero(t, code(a), "a MoySklad error body: %s", a.raw)
	}
}

func TestStockReportTypes(t *testing.T) {
	t.Parallel()
	s := setupStock(t)
	s.moved(t)
	st := s.store.ID
	reserved := moyskladtest.PositionSpec{ProductID: s.p.ID, Quantity: 4, Reserve: 3, Price: 100}
	s.post(t, "customerorder", moyskladtest.DocumentSpec{Store: st, Positions: []moyskladtest.PositionSpec{reserved}})
	reserved.Reserve = 2
	s.post(t, "customerorder", moyskladtest.DocumentSpec{Positions: []moyskladtest.PositionSpec{reserved}}) // no store

	require.Equal(t, map[string]float64{s.p.ID + "/" + st: 3, s.p.ID + "/null": 2},
		s.report(t, "/report/stock/bystore/current?stockType=reserve", "reserve"))
	free := map[string]float64{s.p.ID + "/" + st: 12 - 3, s.p.ID + "/" + s.other.ID: 3, s.p.ID + "/null": -2,
		s.v.ID + "/" + st: 1, s.v.ID + "/" + s.other.ID: 4}
	require.Equal(t, free, s.report(t, "/report/stock/bystore/current?stockType=freeStock", "freeStock"))
	require.Equal(t, free, s.report(t, "/report/stock/bystore/current?stockType=quantity", "quantity"),
		"nothing is in transit: quantity is freeStock")
	require.Empty(t, s.report(t, "/report/stock/bystore/current?stockType=inTransit", "inTransit"))
	require.NotContains(t, s.report(t, "/report/stock/bystore/current", "stock"), s.p.ID+"/null",
		"the line without a store holds reserve only")
	require.Equal(t, map[string]float64{s.p.ID + "/": 5}, s.report(t, "/report/stock/all/current?stockType=reserve", "reserve"))
}

func TestStockReportWeighsFiveUnits(t *testing.T) {
	t.Parallel()
	s := setupStock(t, moyskladtest.Options{RateInterval: time.Minute})
	remaining := func(a answer) int {
		n, err := strconv.Atoi(a.header.Get("X-RateLimit-Remaining"))
		require.NoError(t, err)
		return n
	}
	a := s.call(t, "GET", "/entity/store", nil)
	require.Equal(t, 44, remaining(a), "a request takes RequestWeight (1)")
	a = s.call(t, "GET", "/report/stock/bystore/current", nil)
	require.Equal(t, 39, remaining(a), "moysklad.md §5.3: a report takes 5")
	a = s.call(t, "GET", "/report/stock/all/current", nil)
	require.Equal(t, 34, remaining(a))
	for left := 34; left >= 5; left -= 5 {
		a = s.call(t, "GET", "/report/stock/all/current", nil)
		require.Equal(t, 200, a.status)
	}
	require.Equal(t, 4, remaining(a))
	a = s.call(t, "GET", "/report/stock/all/current", nil)
	require.Equal(t, 429, a.status, "4 units cannot pay for a report")
	require.EqualValues(t, 1049, code(a))
	a = s.call(t, "GET", "/entity/store", nil)
	require.Equal(t, 200, a.status, "but pay for a request")
	require.Equal(t, 3, remaining(a))
}
