package service_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// serialSupply creates a supply of a serial-tracked phone with its serials
// and sends it to the warehouse; it returns the document and the task. The
// phone is one product however many supplies there are: two products with
// one article are refused (the warehouse could not tell them apart).
func (b *bundle) serialSupply(t *testing.T, things ...string) (moysklad.Document, string) {
	t.Helper()
	b.phoneOnce.Do(func() {
		b.phone = b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Телефон", Article: "PH-1", SerialTrackable: true})
	})
	phone := b.phone
	doc, err := b.ms.CreateDocument(moysklad.TypeSupply, moyskladtest.DocumentSpec{Name: "00051", Store: b.store.ID,
		Positions: []moyskladtest.PositionSpec{
			{ProductID: phone.ID, Quantity: float64(len(things)), Price: 900000, Things: things},
			{ProductID: b.p.mug.ID, Quantity: 2, Price: 10000}}})
	require.NoError(t, err)
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	return doc, b.row(t, moysklad.TypeSupply, doc.ID).IndocID
}

// receiveWithSerials has the warehouse report a receipt and the serials it
// scanned, then skladflow read the feed.
func (b *bundle) receiveWithSerials(t *testing.T, indoc string, serials []fulfillment.SerialMove, lines ...fboxtest.Line) {
	t.Helper()
	id, err := b.fb.Receive(indoc, lines...)
	require.NoError(t, err)
	require.NoError(t, b.fb.SetSerials(id, serials...))
	require.NoError(t, b.svc.PollNow(b.ctx))
}

func sn(values ...string) []fulfillment.SerialMove {
	var out []fulfillment.SerialMove
	for _, v := range values {
		out = append(out, fulfillment.SerialMove{GoodID: "PH-1", GoodSN: v})
	}
	return out
}

func TestSerialsOfAReceiptComeFromTheWarehouse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name    string
		got     int32
		serials []string
		want    []string
		log     string
	}{
		{name: "short", got: 2, serials: []string{"SN-3", "SN-1"}, want: []string{"SN-1", "SN-3"},
			log: "серийные номера сняты: SN-2"},
		{name: "surplus", got: 4, serials: []string{"SN-1", "SN-2", "SN-3", "SN-9"}, want: []string{"SN-1", "SN-2", "SN-3", "SN-9"}},
		{name: "substituted unit", got: 3, serials: []string{"SN-1", "SN-2", "SN-7"}, want: []string{"SN-1", "SN-2", "SN-7"},
			log: "серийные номера сняты: SN-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, indoc := b.serialSupply(t, "SN-1", "SN-2", "SN-3")
			b.receiveWithSerials(t, indoc, sn(tt.serials...), fboxtest.Line{GoodID: "PH-1", Useful: tt.got}, fboxtest.Line{GoodID: "MG-350", Useful: 2})
			d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
			require.Equal(t, float64(tt.got), d.Rows()[0].Quantity)
			require.Equal(t, tt.want, d.Rows()[0].Things())
			require.Empty(t, d.Rows()[1].Things())
			if tt.log != "" {
				require.Contains(t, lastLine(t, d), tt.log)
			}
		})
	}
}

func TestSerialsThatFitAreKeptWhenTheWarehouseHasNone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	t.Run("short", func(t *testing.T) {
		t.Parallel()
		doc, indoc := b.serialSupply(t, "SN-1", "SN-2", "SN-3")
		b.receive(t, indoc, fboxtest.Line{GoodID: "PH-1", Useful: 2}, fboxtest.Line{GoodID: "MG-350", Useful: 2})
		d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
		require.Equal(t, 2.0, d.Rows()[0].Quantity)
		require.Equal(t, []string{"SN-1", "SN-2"}, d.Rows()[0].Things())
		require.Contains(t, lastLine(t, d), "стр. 1 PH-1 «Телефон»: серийные номера сняты: SN-3")
	})
	t.Run("surplus without serials", func(t *testing.T) {
		t.Parallel()
		doc, indoc := b.serialSupply(t, "SN-1", "SN-2")
		b.receive(t, indoc, fboxtest.Line{GoodID: "PH-1", Useful: 3}, fboxtest.Line{GoodID: "MG-350", Useful: 2})
		d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
		require.Equal(t, 2.0, d.Rows()[0].Quantity, "MoySklad takes no unit without a serial")
		require.Equal(t, []string{"SN-1", "SN-2"}, d.Rows()[0].Things())
		require.Contains(t, lastLine(t, d), "стр. 1 PH-1 «Телефон»: 1 шт. без серийного номера не оприходовано")
	})
}

func TestVariantsAreSentAndReceivedServicesLeftAsTheyAre(t *testing.T) {
	t.Parallel()
	b := setup(t)
	red, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: b.p.kettle.ID, Name: "Чайник (красный)", Code: "KT-1700-R", Barcodes: []string{"4601234567999"}})
	require.NoError(t, err)
	blue, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: b.p.mug.ID, Name: "Кружка (синяя)", Code: "MG-350-B"})
	require.NoError(t, err)
	delivery := b.ms.AddService(moyskladtest.ServiceSpec{Name: "Доставка до склада", Code: "KT-1700"})
	doc := b.supply(t, "", line{b.p.kettle, 2}, line{red, 3}, line{delivery, 1})
	b.setStatus(t, moysklad.TypeSupply, doc.ID, "Передать")
	d := b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Передан")
	require.Contains(t, lastLine(t, d), "2 позиции, 5 шт.", "the service is not sent")
	indoc := b.row(t, moysklad.TypeSupply, doc.ID).IndocID
	task, ok := b.fb.SupplyTask(indoc)
	require.True(t, ok)
	require.Equal(t, []fulfillment.TaskItem{{GoodID: "KT-1700", PlanQnt: 2}, {GoodID: "KT-1700-R", PlanQnt: 3}}, task.Items)
	card, ok := b.fb.Good("KT-1700-R")
	require.True(t, ok, "the variant is registered before the task")
	require.Equal(t, "Чайник (красный)", card.GoodName)
	require.Equal(t, []string{"4601234567999"}, card.EANs)

	b.receive(t, indoc, fboxtest.Line{GoodID: "KT-1700", Useful: 2}, fboxtest.Line{GoodID: "KT-1700-R", Useful: 1}, fboxtest.Line{GoodID: "MG-350-B", Useful: 4})
	d = b.waitStatus(t, moysklad.TypeSupply, doc.ID, "Проведён")
	rows := d.Rows()
	require.Len(t, rows, 4)
	require.Equal(t, []float64{2, 1, 1, 4}, []float64{rows[0].Quantity, rows[1].Quantity, rows[2].Quantity, rows[3].Quantity})
	require.Equal(t, delivery.ID, rows[2].Assortment.ID, "the service line is kept as it was")
	require.Equal(t, doc.Rows()[2].ID, rows[2].ID)
	require.Equal(t, blue.ID, rows[3].Assortment.ID, "an unplanned variant is found by its code")
	require.Equal(t, moysklad.AssortmentVariant, rows[3].Assortment.Kind())
	require.Contains(t, lastLine(t, d), "стр. 2 KT-1700-R «Чайник (красный)»: ожидалось 3, принято 1 (недостача 2)")
	require.Contains(t, lastLine(t, d), "MG-350-B «Кружка (синяя)»: не заказан, принято 4 — добавлена строка")
}

func TestServicesAreNotSentToCDEK(t *testing.T) {
	t.Parallel()
	b := setupCDEK(t, cdektest.Options{})
	red, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: b.p.kettle.ID, Name: "Чайник (красный)", Code: "KT-1700-R"})
	require.NoError(t, err)
	delivery := b.ms.AddService(moyskladtest.ServiceSpec{Name: "Доставка", Code: "DLV"})
	doc := b.demand(t, "00108", buyer, line{red, 2}, line{delivery, 1})
	b.setStatus(t, moysklad.TypeDemand, doc.ID, "Передать в СДЭК")
	b.waitStatus(t, moysklad.TypeDemand, doc.ID, "Передан в СДЭК")
	ord := b.cd.Body(b.row(t, moysklad.TypeDemand, doc.ID).Delivery.OrderUUID)
	require.Len(t, ord.Packages, 1)
	require.Len(t, ord.Packages[0].Items, 1, "only goods go to CDEK")
	require.Equal(t, "KT-1700-R", ord.Packages[0].Items[0].WareKey)
	require.Equal(t, 2, ord.Packages[0].Items[0].Amount)
}
