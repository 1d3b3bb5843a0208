package fboxtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

func setupShipment(t *testing.T) (*fboxtest.Server, *fulfillment.Client) {
	t.Helper()
	s := setup(t, fboxtest.Options{})
	c, err := fulfillment.NewClient(fulfillment.Config{BaseURL: s.URL(), PartnerID: "partner", Password: "secret"})
	require.NoError(t, err)
	require.NoError(t, c.RegisterGoods(t.Context(), fulfillment.Good{GoodID: "A", GoodName: "A"}))
	require.NoError(t, c.EnableOutdocTypes(t.Context(), fulfillment.OutdocShipmentStart, fulfillment.OutdocShipmentReady))
	return s, c
}

// Schema goods_shipment_task: indoc_id, items, items[].good_id and
// plan_qnt are required; qual_type is useful or defective.
func TestShipmentTaskValidation(t *testing.T) {
	t.Parallel()
	s, _ := setupShipment(t)
	for body, want := range map[string]string{
		`{"indoc_type":"goods_shipment_task","items":[{"good_id":"A","plan_qnt":1}]}`:                                                    "indoc_id",
		`{"indoc_type":"goods_shipment_task","indoc_id":"X"}`:                                                                            "items",
		`{"indoc_type":"goods_shipment_task","indoc_id":"X","items":[{"good_id":"A"}]}`:                                                  "plan_qnt",
		`{"indoc_type":"goods_shipment_task","indoc_id":"X","items":[{"plan_qnt":1}]}`:                                                   "good_id",
		`{"indoc_type":"goods_shipment_task","indoc_id":"X","qual_type":"broken","items":[{"good_id":"A","plan_qnt":1}]}`:                "qual_type",
		`{"indoc_type":"goods_shipment_task","indoc_id":"X","items":[{"good_id":"A","plan_qnt":1}],"attributes":[{"attribute_id":366}]}`: "attribute_id",
	} {
		status, _, out := post(t, s.URL()+"/indocs", "partner", "secret", body)
		require.Equal(t, 200, status, body) // business errors: BusinessErrorStatus
		require.Equal(t, false, out["success"], body)
		require.EqualValues(t, fulfillment.CodeUnclassified, out["error_code"], body)
		require.Contains(t, out["error_message"], want, body)
	}
	_, found := s.ShipmentTask("X")
	require.False(t, found)
}

// fbox.md §8 «Corrections» for a goods_shipment: unlock_request on the
// locked document; once unlocked it goes and a replacement with a new id
// and the original work date comes.
func TestShipmentCorrection(t *testing.T) {
	t.Parallel()
	s, c := setupShipment(t)
	ctx := t.Context()
	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "T", Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 5}}}))
	old, err := s.ShipGoods("T", nil)
	require.NoError(t, err)
	_, err = s.ShipGoods("T", nil)
	require.Error(t, err, "a task ships once")
	require.NoError(t, c.LockOutdocs(ctx, true, old))
	require.NoError(t, s.CorrectShipment(old, map[string]int32{"A": 2}))

	yes := true
	hs, err := c.ListOutdocs(ctx, fulfillment.OutdocFilter{Locked: &yes, UnlockRequest: &yes})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	require.Equal(t, old, hs[0].OutdocID)

	require.NoError(t, c.LockOutdocs(ctx, false, old))
	missing, err := c.CheckOutdocs(ctx, old)
	require.NoError(t, err)
	require.Equal(t, []int64{old}, missing)
	hs, err = c.ListOutdocs(ctx, fulfillment.OutdocFilter{IndocID: "T"})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	require.NotEqual(t, old, hs[0].OutdocID)
	got, err := c.GetGoodsShipment(ctx, hs[0].OutdocID)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"A": 3}, got.Totals())
}

// #doc_stocker_desc: a goods_shipment takes its units from stock, and a
// corrected one counts as its replacement does.
func TestShipmentTakesStock(t *testing.T) {
	t.Parallel()
	s, c := setupShipment(t)
	ctx := t.Context()
	s.AddStock("A", 10, 2)
	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "T", Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 5}}}))
	id, err := s.ShipGoods("T", map[string]int32{"A": 1})
	require.NoError(t, err)
	useful, defective := s.Stock("A")
	require.Equal(t, [2]int32{6, 2}, [2]int32{useful, defective})

	require.NoError(t, c.LockOutdocs(ctx, true, id))
	require.NoError(t, s.CorrectShipment(id, nil))
	require.NoError(t, c.LockOutdocs(ctx, false, id))
	useful, _ = s.Stock("A")
	require.Equal(t, int32(5), useful, "the replacement shipped all 5; the corrected one no longer counts")

	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "D", QualType: fulfillment.QualDefective,
		Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 2}}}))
	_, err = s.ShipGoods("D", nil)
	require.NoError(t, err)
	_, defective = s.Stock("A")
	require.Zero(t, defective, "a defective shipment takes defective stock")
}

// With PickFromStock the warehouse picks no more than it holds: the
// shortage shows as a smaller total, like any short pick.
func TestShipmentPicksFromStock(t *testing.T) {
	t.Parallel()
	s, c := setupShipment(t)
	ctx := t.Context()
	s.PickFromStock(true)
	s.AddStock("A", 3, 0)
	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "T", Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 5}}}))
	ready := s.ShipmentReady("T", nil)
	picked, err := c.GetGoodsShipmentReady(ctx, ready)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"A": 3}, picked.Totals())
	id, err := s.ShipGoods("T", nil)
	require.NoError(t, err)
	shipped, err := c.GetGoodsShipment(ctx, id)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"A": 3}, shipped.Totals())
	useful, _ := s.Stock("A")
	require.Zero(t, useful)
}

// An unlocked goods_shipment is corrected at once: deleted and replaced.
func TestShipmentCorrectionUnlocked(t *testing.T) {
	t.Parallel()
	s, c := setupShipment(t)
	ctx := t.Context()
	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "T", Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 5}}}))
	old, err := s.ShipGoods("T", nil)
	require.NoError(t, err)
	require.NoError(t, s.CorrectShipment(old, map[string]int32{"A": 1}))
	_, exists := s.Outdoc(old)
	require.False(t, exists)
	got, err := c.GetGoodsShipment(ctx, s.LastOutdoc())
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"A": 4}, got.Totals())
}

// #doc_option_desc: start and ready are optional documents, off until the
// account turns them on; picking starts all the same, and the task can no
// longer be deleted.
func TestShipmentOptionalOutdocsOff(t *testing.T) {
	t.Parallel()
	s, c := setupShipment(t)
	ctx := t.Context()
	require.NoError(t, s.SetOutdocType(fulfillment.OutdocShipmentStart, false))
	require.NoError(t, s.SetOutdocType(fulfillment.OutdocShipmentReady, false))
	require.NoError(t, c.CreateShipmentTask(ctx, fulfillment.ShipmentTask{IndocID: "T", Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 1}}}))
	require.Zero(t, s.StartShipmentPicking("T"))
	require.Equal(t, fboxtest.ShipStagePicking, s.ShipmentStage("T"))
	require.Error(t, c.DeleteIndoc(ctx, "T"))
	require.Zero(t, s.ShipmentReady("T", nil))
	require.Equal(t, fboxtest.ShipStageReady, s.ShipmentStage("T"))
	hs, err := c.ListOutdocs(ctx, fulfillment.OutdocFilter{IndocID: "T"})
	require.NoError(t, err)
	require.Empty(t, hs)
}

// Schema goods_shipment_task picking_only: the goods are picked, not
// shipped.
func TestShipmentPickingOnlyIsNotShipped(t *testing.T) {
	t.Parallel()
	s, c := setupShipment(t)
	require.NoError(t, c.CreateShipmentTask(t.Context(), fulfillment.ShipmentTask{IndocID: "P", PickingOnly: true,
		Items: []fulfillment.ShipmentItem{{GoodID: "A", PlanQnt: 1}}}))
	require.NotZero(t, s.ShipmentReady("P", nil))
	_, err := s.ShipGoods("P", nil)
	require.ErrorContains(t, err, "picking only")
	got, ok := s.ShipmentTask("P")
	require.True(t, ok)
	require.True(t, got.PickingOnly)
}
