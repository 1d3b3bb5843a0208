package fulfillment_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

type bundle struct {
	ctx    context.Context
	srv    *fboxtest.Server
	client *fulfillment.Client
}

func setup(t *testing.T, opts ...fboxtest.Options) *bundle {
	t.Helper()
	var o fboxtest.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	srv := fboxtest.NewServer(o)
	t.Cleanup(srv.Close)
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: srv.URL(), PartnerID: "partner", Password: "secret",
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 100 * time.Millisecond})
	require.NoError(t, err)
	return &bundle{ctx: context.Background(), srv: srv, client: c}
}

func task(id string) fulfillment.SupplyTask {
	return fulfillment.SupplyTask{
		IndocID: id, IndocTxt: "Приёмка 1",
		Goods: []fulfillment.Good{{GoodID: "A-1", GoodName: "Чайник", EANs: []fulfillment.EAN{{Mode: "add", Value: "4601234567890"}}},
			{GoodID: "B-2", GoodName: "Кружка"}},
		Items: []fulfillment.TaskItem{{GoodID: "A-1", PlanQnt: 10}, {GoodID: "B-2", PlanQnt: 5}},
	}
}

func TestCreateDuplicateGetDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("MS-1")))
	err := b.client.CreateSupplyTask(b.ctx, task("MS-1"))
	require.ErrorIs(t, err, fulfillment.ErrDuplicate)
	require.Contains(t, err.Error(), "Входящий документ с номером MS-1 уже зарегистрирован")
	require.Equal(t, 2, b.srv.CreateCalls("MS-1"))

	got, err := b.client.GetSupplyTask(b.ctx, "MS-1")
	require.NoError(t, err)
	require.Equal(t, task("MS-1").Items, got.Items)
	require.Equal(t, "goods_supply_task", got.IndocType)

	require.NoError(t, b.client.DeleteIndoc(b.ctx, "MS-1"))
	_, err = b.client.GetSupplyTask(b.ctx, "MS-1")
	require.ErrorIs(t, err, fulfillment.ErrNotFound)
	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("MS-1")), "a deleted number may be reused")

	_, err = b.srv.ReceiveExact("MS-1")
	require.NoError(t, err)
	err = b.client.DeleteIndoc(b.ctx, "MS-1")
	var fe *fulfillment.Error
	require.ErrorAs(t, err, &fe)
	require.Contains(t, fe.Message, "товар уже поступил", "no deletion once goods arrived")
}

func TestValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bad := task("MS-2")
	bad.Goods = nil
	err := b.client.CreateSupplyTask(b.ctx, bad)
	var fe *fulfillment.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, fulfillment.CodeUnclassified, fe.Code)
	require.Contains(t, fe.Message, "Товар A-1 не зарегистрирован")

	zero := task("MS-3")
	zero.Items[0].PlanQnt = 0
	require.ErrorContains(t, b.client.CreateSupplyTask(b.ctx, zero), "plan_qnt должен быть больше 0")
	require.Empty(t, b.srv.SupplyTasks())
}

func TestReceiptsListLockCheck(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("MS-1")))
	part, err := b.srv.ReceivePart("MS-1", 1, fboxtest.Line{GoodID: "A-1", Useful: 4})
	require.NoError(t, err)
	final, err := b.srv.Receive("MS-1", fboxtest.Line{GoodID: "A-1", Useful: 5, Defective: 1}, fboxtest.Line{GoodID: "C-3", Useful: 2})
	require.NoError(t, err)

	no := false
	hs, err := b.client.ListOutdocs(b.ctx, fulfillment.OutdocFilter{OutdocType: fulfillment.OutdocSupply, Locked: &no, PageSize: 1})
	require.NoError(t, err)
	require.Len(t, hs, 2, "pages are followed to the end")
	require.Equal(t, part, hs[0].OutdocID)
	require.Equal(t, int32(1), *hs[0].PartNum)
	require.Nil(t, hs[1].PartNum, "the final part has no part_num")

	s, err := b.client.GetSupply(b.ctx, final)
	require.NoError(t, err)
	require.Equal(t, "MS-1", s.Common.IndocID)
	require.Equal(t, []fulfillment.SupplyGood{
		{GoodID: "A-1", PlanQnt: 10, UsefulQnt: 5, DefectiveQnt: 1},
		{GoodID: "B-2", PlanQnt: 5},
		{GoodID: "C-3", UsefulQnt: 2},
	}, s.Goods)
	require.Equal(t, fulfillment.Moscow, s.Common.CreatedAt.Location(), "dates are Moscow time without an offset")

	require.NoError(t, b.client.LockOutdocs(b.ctx, true, part, final))
	hs, err = b.client.ListOutdocs(b.ctx, fulfillment.OutdocFilter{Locked: &no})
	require.NoError(t, err)
	require.Empty(t, hs)
	require.ErrorIs(t, b.client.LockOutdocs(b.ctx, true, 999999), fulfillment.ErrNotFound)

	missing, err := b.client.CheckOutdocs(b.ctx, part, 999999)
	require.NoError(t, err)
	require.Equal(t, []int64{999999}, missing)

	nothing, err := b.srv.ReceiveNothing("MS-1")
	require.NoError(t, err)
	s, err = b.client.GetSupply(b.ctx, nothing)
	require.NoError(t, err)
	v, ok := s.Common.Attribute(fulfillment.AttrWaitExpired)
	require.True(t, ok)
	require.Equal(t, true, v)
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: b.srv.URL(), PartnerID: "partner", Password: "wrong-password-77"})
	require.NoError(t, err)
	err = c.CreateSupplyTask(b.ctx, task("MS-1"))
	var fe *fulfillment.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 403, fe.HTTPStatus)
	require.NotContains(t, err.Error(), "wrong-password-77")
	_, err = fulfillment.NewClient(fulfillment.Config{PartnerID: "p"})
	require.ErrorContains(t, err, "Password is required")
}

func TestRetries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.FailNext(fboxtest.Fault{PathPrefix: "/indocs", HTTPStatus: 429, Code: 429, Message: "Превышен лимит", RetryAfter: time.Second})
	require.NoError(t, b.client.CreateSupplyTask(b.ctx, task("MS-1")), "429 waits Retry-After and goes on")
	b.srv.FailNext(fboxtest.Fault{PathPrefix: "/outdocs", HTTPStatus: 502, Code: 502, Count: 2})
	_, err := b.client.ListOutdocs(b.ctx, fulfillment.OutdocFilter{})
	require.NoError(t, err, "5xx retried")
	require.EqualValues(t, 1, b.client.Stats().RateLimited)

	b.srv.FailNext(fboxtest.Fault{PathPrefix: "/indocs", HTTPStatus: 400, Code: 400, Message: "Некорректный запрос"})
	before := len(b.srv.Requests())
	require.Error(t, b.client.CreateSupplyTask(b.ctx, task("MS-2")))
	require.Len(t, b.srv.Requests(), before+1, "400 is not retried")
}

func TestOneRequestAtATime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.client.ListOutdocs(b.ctx, fulfillment.OutdocFilter{})
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	for _, r := range b.srv.Requests() {
		require.NotEqual(t, 429, r.Status, "the emulator refuses a second request in flight")
	}
}

func TestParseSupply(t *testing.T) {
	t.Parallel()
	s, err := fulfillment.ParseSupply([]byte(supplyExample))
	require.NoError(t, err)
	require.EqualValues(t, 912345, s.Common.OutdocID)
	require.Equal(t, "2025-03-15T16:02:11", s.Common.CreatedAt.String())
	require.Len(t, s.Goods, 3)
	_, err = fulfillment.ParseSupply([]byte(`{"outdoc_type":"goods_shipment"}`))
	require.Error(t, err)
	_, err = fulfillment.ParseSupply([]byte(`{"common":{"created_at":"15.03.2025"}}`))
	require.Error(t, err)
}

// supplyExample is fbox.md §6.2's example.
const supplyExample = `{
  "success": true,
  "outdoc_type": "goods_supply",
  "common": {
    "outdoc_id": 912345, "outdoc_type": "goods_supply", "outdoc_type_descrip": "Товары оприходованы",
    "outdoc_date": "2025-03-15", "created_at": "2025-03-15T16:02:11", "indoc_id": "MS-SUP-00042",
    "attributes": [{ "attribute_id": 180, "attribute_type": "datetime", "attribute_name": "Дата прибытия поставки", "value": "2025-03-15T09:40:00" }]
  },
  "goods": [
    { "good_id": "ART-1001", "plan_qnt": 10, "useful_qnt": 8, "defective_qnt": 1 },
    { "good_id": "ART-1002", "plan_qnt": 5,  "useful_qnt": 0, "defective_qnt": 0 },
    { "good_id": "ART-1003", "plan_qnt": 0,  "useful_qnt": 5, "defective_qnt": 0 }
  ],
  "goods_expiry": []
}`

func FuzzParseSupply(f *testing.F) {
	f.Add([]byte(supplyExample))
	f.Add([]byte(`{"goods":[{"good_id":"x","useful_qnt":2147483647}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := fulfillment.ParseSupply(b)
		if err != nil {
			return
		}
		// What parses must survive a round trip unchanged.
		again, err := json.Marshal(s)
		require.NoError(t, err)
		s2, err := fulfillment.ParseSupply(again)
		require.NoError(t, err)
		require.Equal(t, s.Goods, s2.Goods)
	})
}
