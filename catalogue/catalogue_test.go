package catalogue_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/catalogue"
	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
	"github.com/skladflow/skladflow/storage"
)

type bundle struct {
	ctx    context.Context
	ms     *moyskladtest.Server
	msc    *moysklad.Client
	fbox   *fboxtest.Server
	fc     *fulfillment.Client
	store  *storage.Store
	alerts *alerts
	buyer  moysklad.Counterparty
	wh     moysklad.Store
}

// alerts records what the catalogue raised.
type alerts struct {
	mu    sync.Mutex
	texts []string
}

func (a *alerts) Raise(_ context.Context, _, text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.texts = append(a.texts, text)
}

func (a *alerts) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.texts...)
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ms := moyskladtest.NewServer(moyskladtest.Options{RateLimit: -1})
	t.Cleanup(ms.Close)
	msc, err := moysklad.NewClient(moysklad.Config{BaseURL: ms.URL(), Token: ms.Token(), RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 100 * time.Millisecond})
	require.NoError(t, err)
	fb := fboxtest.NewServer(fboxtest.Options{})
	t.Cleanup(fb.Close)
	fc, err := fulfillment.NewClient(fulfillment.Config{BaseURL: fb.URL(), PartnerID: "partner", Password: "secret",
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 100 * time.Millisecond})
	require.NoError(t, err)
	st, err := storage.Open(context.Background(), storage.Config{Path: filepath.Join(t.TempDir(), "skladflow.db")})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return &bundle{ctx: context.Background(), ms: ms, msc: msc, fbox: fb, fc: fc, store: st, alerts: &alerts{},
		buyer: ms.AddCounterparty(moyskladtest.CounterpartySpec{Name: "Покупатель"}), wh: ms.AddStore("Склад БетаПРО")}
}

// catalogue builds the warehouse's catalogue; edit changes its config.
func (b *bundle) catalogue(t *testing.T, edit ...func(*catalogue.Config)) *catalogue.Catalogue {
	t.Helper()
	cfg := catalogue.Config{Warehouse: "БетаПРО", SKUs: moysklad.SKUFields{Product: moysklad.SKUArticle, Variant: moysklad.SKUCode},
		FBox: b.fc, MoySklad: b.msc, Bindings: b.store, Alerts: b.alerts}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := catalogue.New(cfg)
	require.NoError(t, err)
	return c
}

// positions creates a customer order (bundles are allowed there) and
// reads its positions back as a flow would.
func (b *bundle) positions(t *testing.T, lines ...moyskladtest.PositionSpec) []moysklad.Position {
	t.Helper()
	d, err := b.ms.CreateDocument(moysklad.TypeCustomerOrder, moyskladtest.DocumentSpec{Name: "1", Store: b.wh.ID, Agent: b.buyer.ID, Positions: lines})
	require.NoError(t, err)
	got, err := b.msc.GetDocument(b.ctx, moysklad.TypeCustomerOrder, d.ID, "positions.assortment")
	require.NoError(t, err)
	return got.Rows()
}

func (b *bundle) goodPosts() int {
	n := 0
	for _, r := range b.fbox.Requests() {
		if r.Method == "POST" && r.Path == "/goods" {
			n++
		}
	}
	return n
}

func vat(n int) *int { return &n }

func TestPrepareRegistersOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1", Barcodes: []string{"4601234567890"}, VAT: vat(10)})
	kettle := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1", NoVAT: true})
	fee := b.ms.AddService(moyskladtest.ServiceSpec{Name: "Доставка"})
	rows := b.positions(t, moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 2, Price: 30000},
		moyskladtest.PositionSpec{ProductID: fee.ID, Quantity: 1, Price: 50000},
		moyskladtest.PositionSpec{ProductID: kettle.ID, Quantity: 1, Price: 150000})

	got, err := c.Prepare(b.ctx, rows)
	require.NoError(t, err)
	require.Equal(t, []catalogue.Item{{GoodID: "MG-1", Quantity: 2, Price: 30000, Position: 0}, {GoodID: "KT-1", Quantity: 1, Price: 150000, Position: 2}}, got.Items)
	require.Equal(t, []int{1}, got.Services, "the service is left out and flagged")
	require.ElementsMatch(t, []string{"MG-1", "KT-1"}, got.Registered)
	require.Equal(t, 1, b.goodPosts(), "one batched POST /goods")
	card, ok := b.fbox.Good("MG-1")
	require.True(t, ok)
	require.Equal(t, "Кружка", card.GoodName)
	require.Equal(t, []string{"4601234567890"}, card.EANs)
	v, _ := card.Attribute(fulfillment.AttrGoodVAT)
	require.EqualValues(t, 10, v)
	card, _ = b.fbox.Good("KT-1")
	v, _ = card.Attribute(fulfillment.AttrGoodVAT)
	require.EqualValues(t, fulfillment.VATNone, v, "VAT off is «без НДС»")
	require.Zero(t, card.Weight, "sizes unknown: no weight either")

	got, err = c.Prepare(b.ctx, rows)
	require.NoError(t, err)
	require.Empty(t, got.Registered)
	require.Equal(t, 1, b.goodPosts(), "unchanged cards are not sent again")

	require.NoError(t, b.ms.EditAssortment(mug.ID, map[string]any{"name": "Кружка 350 мл"}))
	got, err = c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 1}))
	require.NoError(t, err)
	require.Equal(t, []string{"MG-1"}, got.Registered, "a changed card is registered again")
	card, _ = b.fbox.Good("MG-1")
	require.Equal(t, "Кружка 350 мл", card.GoodName)
}

func TestEditedArticleKeepsTheGoodID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	_, err := c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 1}))
	require.NoError(t, err)

	require.NoError(t, b.ms.EditAssortment(mug.ID, map[string]any{"article": "MG-1-NEW"}))
	got, err := c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 3}))
	require.NoError(t, err)
	require.Equal(t, "MG-1", got.Items[0].GoodID, "the good keeps its first good_id")
	require.Equal(t, []catalogue.Notice{{Position: 0, GoodID: "MG-1", SKU: "MG-1-NEW",
		Text: "артикул изменён с MG-1 на MG-1-NEW; на складе БетаПРО товар остаётся MG-1"}}, got.Notices)
	require.Len(t, b.alerts.all(), 1)
	require.Contains(t, b.alerts.all()[0], "Склад БетаПРО: у «Кружка» артикул изменён с MG-1 на MG-1-NEW")
	_, renamed := b.fbox.Good("MG-1-NEW")
	require.False(t, renamed, "no new good at the warehouse")

	got, err = c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 1}))
	require.NoError(t, err)
	require.Len(t, got.Notices, 1, "every task says which good the warehouse knows")
	require.Len(t, b.alerts.all(), 1, "the alert is raised once")

	other := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Другая кружка", Article: "MG-1"})
	_, err = c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: other.ID, Quantity: 1}))
	var refusal *catalogue.Refusal
	require.ErrorAs(t, err, &refusal)
	require.Contains(t, refusal.Error(), "стр. 1: MG-1 «Другая кружка»: на складе БетаПРО уже товар MG-1 «Кружка»",
		"the old article is taken by the edited good for ever")
}

func TestBundleIsExpandedIntoComponents(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	spoon := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Ложка", Article: "SP-1"})
	wrap := b.ms.AddService(moyskladtest.ServiceSpec{Name: "Подарочная упаковка"})
	set, err := b.ms.AddBundle(moyskladtest.BundleSpec{Name: "Набор", Article: "SET-1", Components: []moyskladtest.ComponentSpec{
		{AssortmentID: mug.ID, Quantity: 1}, {AssortmentID: spoon.ID, Quantity: 3}, {AssortmentID: wrap.ID, Quantity: 1}}})
	require.NoError(t, err)
	got, err := c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: set.ID, Quantity: 2, Price: 80000},
		moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 1, Price: 30000}))
	require.NoError(t, err)
	require.Equal(t, []catalogue.Item{
		{GoodID: "MG-1", Quantity: 2, Price: 20000, Position: 0, Component: true},
		{GoodID: "SP-1", Quantity: 6, Price: 20000, Position: 0, Component: true},
		{GoodID: "MG-1", Quantity: 1, Price: 30000, Position: 1},
	}, got.Items, "a bundle's price is shared among its components' units")
	require.ElementsMatch(t, []string{"MG-1", "SP-1"}, got.Registered, "components are registered, the bundle is not")
	_, ok := b.fbox.Good("SET-1")
	require.False(t, ok)
}

func TestVariantGoodIDFromTheConfiguredField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1", VAT: vat(10)})
	blue, err := b.ms.AddVariant(moyskladtest.VariantSpec{ProductID: mug.ID, Code: "00017", Barcodes: []string{"4601234567807"},
		Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}}})
	require.NoError(t, err)

	byCode := b.catalogue(t)
	got, err := byCode.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: blue.ID, Quantity: 4}))
	require.NoError(t, err)
	require.Equal(t, "00017", got.Items[0].GoodID)

	b2 := setup(t)
	mug = b2.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1", VAT: vat(10)})
	blue, err = b2.ms.AddVariant(moyskladtest.VariantSpec{ProductID: mug.ID, Code: "00017",
		Characteristics: []moysklad.Characteristic{{Name: "Цвет", Value: "синий"}, {Name: "Объём", Value: "350 мл"}}})
	require.NoError(t, err)
	byParent := b2.catalogue(t, func(c *catalogue.Config) { c.SKUs.Variant = moysklad.VariantParentArticle })
	got, err = byParent.Prepare(b2.ctx, b2.positions(t, moyskladtest.PositionSpec{ProductID: blue.ID, Quantity: 4}))
	require.NoError(t, err)
	require.Equal(t, "MG-1-синий-350 мл", got.Items[0].GoodID)
	card, ok := b2.fbox.Good("MG-1-синий-350 мл")
	require.True(t, ok)
	require.Equal(t, "Кружка (синий, 350 мл)", card.GoodName, "the name shows the characteristics")
	v, _ := card.Attribute(fulfillment.AttrGoodVAT)
	require.EqualValues(t, 10, v, "a variant's VAT is its product's")
}

func TestSizesAndWeightOnlyWhenAllFourKnown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t, func(c *catalogue.Config) {
		c.Sizes = catalogue.Sizes{Length: "Длина, мм", Width: "Ширина, мм", Height: "Высота, мм"}
	})
	box := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Термос", Article: "TH-1", Weight: 0.8})
	require.NoError(t, b.ms.EditAssortment(box.ID, map[string]any{"attributes": []any{
		map[string]any{"name": "Длина, мм", "type": "double", "value": 250}, map[string]any{"name": "Ширина, мм", "type": "double", "value": 90},
		map[string]any{"name": "Высота, мм", "type": "double", "value": 90}}}))
	half := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1", Weight: 0.3})
	require.NoError(t, b.ms.EditAssortment(half.ID, map[string]any{"attributes": []any{map[string]any{"name": "Длина, мм", "type": "double", "value": 100}}}))
	_, err := c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: box.ID, Quantity: 1}, moyskladtest.PositionSpec{ProductID: half.ID, Quantity: 1}))
	require.NoError(t, err)
	card, _ := b.fbox.Good("TH-1")
	require.Equal(t, []int32{250, 90, 90, 800}, []int32{card.Length, card.Width, card.Height, card.Weight})
	card, _ = b.fbox.Good("MG-1")
	require.Equal(t, []int32{0, 0, 0, 0}, []int32{card.Length, card.Width, card.Height, card.Weight})
}

func TestRefusalsNameWhatToFix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	require.NoError(t, b.fc.RegisterGoods(b.ctx, fulfillment.Good{GoodID: "OLD-7", GoodName: "Старый чайник",
		EANs: []fulfillment.EAN{{Mode: fulfillment.EANAdd, Value: "4601234567890"}}}))
	kettle := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Чайник", Article: "KT-1", Barcodes: []string{"4601234567890"}})
	twin1 := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка синяя", Article: "MG-1"})
	twin2 := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка красная", Article: "MG-1"})
	cheese := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Сыр", Article: "CH-1", Weighed: true})
	nameless := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Без артикула"})
	tea := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Чай", Article: "TE-1"})
	_, err := c.Prepare(b.ctx, b.positions(t,
		moyskladtest.PositionSpec{ProductID: kettle.ID, Quantity: 1},
		moyskladtest.PositionSpec{ProductID: twin1.ID, Quantity: 1},
		moyskladtest.PositionSpec{ProductID: twin2.ID, Quantity: 1},
		moyskladtest.PositionSpec{ProductID: cheese.ID, Quantity: 1.5},
		moyskladtest.PositionSpec{ProductID: nameless.ID, Quantity: 1},
		moyskladtest.PositionSpec{ProductID: tea.ID, Quantity: 2.5}))
	var refusal *catalogue.Refusal
	require.ErrorAs(t, err, &refusal)
	text := refusal.Error()
	require.Contains(t, text, "стр. 1: штрихкод 4601234567890 товара KT-1 «Чайник» на складе БетаПРО уже привязан к другому товару OLD-7 «Старый чайник»")
	require.Contains(t, text, "стр. 2: у нескольких товаров одно значение поля «Артикул» = MG-1 («Кружка синяя», «Кружка красная»)")
	require.Contains(t, text, "стр. 3: у нескольких товаров одно значение поля «Артикул» = MG-1")
	require.Contains(t, text, "стр. 4: CH-1 «Сыр» — весовой товар, количество 1.5")
	require.Contains(t, text, "стр. 5: у товара «Без артикула» не заполнено поле «Артикул»")
	require.Contains(t, text, "стр. 6: TE-1 «Чай»: дробное количество 2.5")
	require.Len(t, refusal.Lines, 6)
	require.Zero(t, b.goodPosts()-1, "nothing is registered when a task is refused")

	rebind := b.catalogue(t, func(c *catalogue.Config) { c.RebindBarcodes = true })
	got, err := rebind.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: kettle.ID, Quantity: 1}))
	require.NoError(t, err)
	require.Equal(t, []string{"KT-1"}, got.Registered)
	card, _ := b.fbox.Good("KT-1")
	require.Equal(t, []string{"4601234567890"}, card.EANs, "the barcode moved to our good")
	card, _ = b.fbox.Good("OLD-7")
	require.Empty(t, card.EANs)
}

func TestServicesSentAsServiceGoodsWhenAsked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	mug := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка", Article: "MG-1"})
	fee := b.ms.AddService(moyskladtest.ServiceSpec{Name: "Доставка", Code: "DLV"})
	nameless := b.ms.AddService(moyskladtest.ServiceSpec{Name: "Упаковка"})
	rows := b.positions(t, moyskladtest.PositionSpec{ProductID: mug.ID, Quantity: 1, Price: 30000},
		moyskladtest.PositionSpec{ProductID: fee.ID, Quantity: 1, Price: 50000})

	got, err := c.Prepare(b.ctx, rows, catalogue.WithServices())
	require.NoError(t, err)
	require.Equal(t, []catalogue.Item{{GoodID: "MG-1", Quantity: 1, Price: 30000, Position: 0},
		{GoodID: "DLV", Quantity: 1, Price: 50000, Position: 1, Service: true}}, got.Items)
	require.Empty(t, got.Services)
	card, ok := b.fbox.Good("DLV")
	require.True(t, ok)
	require.Equal(t, fulfillment.GoodTypeService, card.GoodType)

	_, err = c.Prepare(b.ctx, b.positions(t, moyskladtest.PositionSpec{ProductID: nameless.ID, Quantity: 1}), catalogue.WithServices())
	require.ErrorContains(t, err, "стр. 1: у услуги «Упаковка» не заполнено поле «Код»")
}

func TestConcurrentNewGoodsWithOneSKU(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.catalogue(t)
	blue := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка синяя", Article: "MG-1"})
	red := b.ms.AddProduct(moyskladtest.ProductSpec{Name: "Кружка красная", Article: "MG-1"})
	docs := [][]moysklad.Position{b.positions(t, moyskladtest.PositionSpec{ProductID: blue.ID, Quantity: 1}),
		b.positions(t, moyskladtest.PositionSpec{ProductID: red.ID, Quantity: 1})}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range docs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = c.Prepare(b.ctx, docs[i]) }()
	}
	wg.Wait()
	var refusal *catalogue.Refusal
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorAs(t, err, &refusal)
		require.Contains(t, refusal.Error(), "MG-1")
	}
	require.Equal(t, 1, ok, "one product takes the good_id, the other is refused")
}
