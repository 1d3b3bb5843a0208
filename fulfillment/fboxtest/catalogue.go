package fboxtest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/skladflow/skladflow/fulfillment"
)

// catalogue is the warehouse's register of goods (#good_set_desc). A
// request works on a copy and commits it only when it all succeeds:
// FBox rolls back a failed request whole (#error_desc).
type catalogue struct {
	cards map[string]*card
	order []string           // registration order: the list's order
	eans  map[string]eanLink // #ean_desc: one EAN, at most one good
}

type card struct {
	fulfillment.GoodCard
	measured bool // #good_dim_desc: the warehouse measured it; sizes sent later are ignored
}

type eanLink struct {
	goodID string
	at     fulfillment.Date
}

// refused is a request FBox refuses with a business error (code 1000: the
// spec gives the catalogue no codes of its own, #error_dict).
type refused string

func (r refused) Error() string { return string(r) }

func newCatalogue() *catalogue {
	return &catalogue{cards: map[string]*card{}, eans: map[string]eanLink{}}
}

func (c *catalogue) clone() *catalogue {
	n := &catalogue{cards: make(map[string]*card, len(c.cards)), order: slices.Clone(c.order), eans: maps.Clone(c.eans)}
	for id, k := range c.cards {
		cp := *k
		cp.Attributes = slices.Clone(k.Attributes)
		n.cards[id] = &cp
	}
	return n
}

func (c *catalogue) has(goodID string) bool { _, ok := c.cards[goodID]; return ok }

// set creates or updates a card as POST /goods does (good_set_req). The
// good_id is the card's key: it is never renamed or freed (#good_id_desc),
// so a new good_id is a new card.
func (c *catalogue) set(g fulfillment.Good, now fulfillment.Date) error {
	if err := checkGood(g); err != nil {
		return err
	}
	k, found := c.cards[g.GoodID]
	if !found {
		k = &card{GoodCard: fulfillment.GoodCard{GoodID: g.GoodID}}
		c.cards[g.GoodID] = k
		c.order = append(c.order, g.GoodID)
	}
	k.GoodName = g.GoodName
	k.GoodType = g.GoodType
	if k.GoodType == "" {
		k.GoodType = fulfillment.GoodTypeGood // schema default
	}
	if !k.measured && g.Length > 0 && plausible(g) {
		k.Length, k.Width, k.Height, k.Weight = g.Length, g.Width, g.Height, g.Weight
	}
	for _, a := range g.Attributes {
		k.Attributes = setAttr(k.Attributes, a)
	}
	for _, e := range g.EANs {
		if err := c.bind(g.GoodID, e.Value, e.Mode == fulfillment.EANSet, now); err != nil {
			return err
		}
	}
	return nil
}

// checkGood applies good_set_req's rules: good_id and good_name required,
// ≤ 255; good_type from tgood_type; eans[].value required, mode add|set;
// attributes[] need attribute_id and value; sizes all four or none
// (#good_dim_desc: «необходимо указывать все четыре атрибута»).
func checkGood(g fulfillment.Good) error {
	switch {
	case g.GoodID == "" || g.GoodName == "":
		return refused("У товара не заполнен good_id или good_name")
	case utf8.RuneCountInString(g.GoodID) > 255 || utf8.RuneCountInString(g.GoodName) > 255:
		return refused(fmt.Sprintf("У товара %.40s good_id или good_name длиннее 255 символов", g.GoodID))
	case g.GoodType != "" && !slices.Contains(goodTypes, g.GoodType):
		return refused(fmt.Sprintf("Товар %s: неизвестный good_type %q", g.GoodID, g.GoodType))
	}
	dims := []int32{g.Length, g.Width, g.Height, g.Weight}
	given := 0
	for _, d := range dims {
		if d < 0 {
			return refused(fmt.Sprintf("Товар %s: весогабариты не могут быть отрицательными", g.GoodID))
		}
		if d > 0 {
			given++
		}
	}
	if given != 0 && given != len(dims) {
		return refused(fmt.Sprintf("Товар %s: нужно указать все четыре атрибута length, width, height, weight", g.GoodID))
	}
	for _, e := range g.EANs {
		if e.Value == "" {
			return refused(fmt.Sprintf("Товар %s: не заполнено значение EAN", g.GoodID))
		}
		if e.Mode != "" && e.Mode != fulfillment.EANAdd && e.Mode != fulfillment.EANSet {
			return refused(fmt.Sprintf("Товар %s: неизвестный режим EAN %q", g.GoodID, e.Mode))
		}
	}
	for _, a := range g.Attributes {
		if a.AttributeID == 0 || a.Value == nil {
			return refused(fmt.Sprintf("Товар %s: у атрибута не заполнен attribute_id или value", g.GoodID))
		}
	}
	return nil
}

var goodTypes = []string{fulfillment.GoodTypeGood, fulfillment.GoodTypeFlyer, fulfillment.GoodTypeService,
	fulfillment.GoodTypeAdvertising, fulfillment.GoodTypePack}

// plausible is #good_dim_desc's density test: sizes are written only when
// the density is 10 to 1600 kg/m³, otherwise ignored.
func plausible(g fulfillment.Good) bool {
	density := float64(g.Weight) * 1e6 / (float64(g.Length) * float64(g.Width) * float64(g.Height))
	return density >= 10 && density <= 1600
}

// bind ties a barcode to a good. #ean_desc and good_ean_set_req: add
// refuses a barcode bound to another good, set moves it.
func (c *catalogue) bind(goodID, ean string, move bool, now fulfillment.Date) error {
	if !c.has(goodID) {
		return refused(fmt.Sprintf("Товар %s не зарегистрирован", goodID))
	}
	if ean == "" {
		return refused(fmt.Sprintf("Товар %s: не заполнено значение EAN", goodID))
	}
	l, bound := c.eans[ean]
	switch {
	case bound && l.goodID == goodID:
		return nil
	case bound && !move:
		return refused(fmt.Sprintf("EAN %s уже связан с товаром %s", ean, l.goodID))
	}
	c.eans[ean] = eanLink{goodID: goodID, at: now}
	return nil
}

// info is a card with its barcodes, as GET /goods/{good_id}/info has it.
func (c *catalogue) info(goodID string) (fulfillment.GoodCard, bool) {
	k, ok := c.cards[goodID]
	if !ok {
		return fulfillment.GoodCard{}, false
	}
	g := k.GoodCard
	g.Attributes = slices.Clone(k.Attributes)
	g.EANs = c.eansOf(goodID)
	return g, true
}

func (c *catalogue) eansOf(goodID string) []string {
	var out []string
	for e, l := range c.eans {
		if l.goodID == goodID {
			out = append(out, e)
		}
	}
	slices.Sort(out)
	return out
}

// setAttr replaces or adds one attribute. Names and types are filled the
// way the warehouse reports them (schema attribute).
func setAttr(attrs []fulfillment.OutdocAttribute, a fulfillment.Attribute) []fulfillment.OutdocAttribute {
	out := fulfillment.OutdocAttribute{AttributeID: a.AttributeID, AttributeType: attrType(a.Value),
		AttributeName: attrNames[a.AttributeID], Value: a.Value}
	if out.AttributeName == "" {
		out.AttributeName = fmt.Sprintf("Атрибут %d", a.AttributeID)
	}
	for i := range attrs {
		if attrs[i].AttributeID == a.AttributeID {
			attrs[i] = out
			return attrs
		}
	}
	return append(attrs, out)
}

var attrNames = map[int]string{
	fulfillment.AttrGoodExpiry:     "Учет по сроку годности",
	fulfillment.AttrGoodVAT:        "Ставка НДС",
	fulfillment.AttrGoodSNMandant:  "Обязательность указания серийного номера товара при приемке",
	fulfillment.AttrGoodPublicName: "Публичное название товара",
}

func attrType(v any) string {
	switch n := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if n == float64(int64(n)) {
			return "int"
		}
		return "float"
	}
	return "json"
}

// errUnknownGood is what the driver's helpers answer for a good_id the
// catalogue has not got.
var errUnknownGood = errors.New("fboxtest: good not registered")
