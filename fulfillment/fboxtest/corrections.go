package fboxtest

import (
	"fmt"

	"github.com/skladflow/skladflow/fulfillment"
)

// CorrectionLine is one line of an inventory correction: Stock is
// stock_qnt (negative a shortage, positive a surplus), Quarantine is
// quarantine_qnt (positive into quarantine, negative out of it).
type CorrectionLine struct {
	GoodID     string
	Defective  bool
	Stock      int32
	Quarantine int32
	// Serials are the serial numbers of the line's units the warehouse
	// scanned: those it takes out of stock or quarantine, which must be
	// there; for a line that only adds units, those of the units found.
	// Empty: the units the emulator's register gives, in order (units.go).
	Serials []string
}

// Correction issues a goods_correction of a correction type
// (fulfillment.CorrectionManual …) with lines, which must have the
// type's shape (schema goods_correction.correction_type, #goods_corr_desc):
// manual moves a good between stock and quarantine (Stock = −Quarantine);
// surplus takes it out of quarantine into stock; useful_defective moves it
// between qualities, expiration from useful to defective; regrade takes
// units of one good and gives as many to others; quarantine_reset writes
// quarantine off.
func (s *Server) Correction(correctionType string, lines ...CorrectionLine) (int64, error) {
	goods := []fulfillment.CorrectionGood{}
	var sns map[stockKey][]string
	for _, l := range lines {
		goods = append(goods, fulfillment.CorrectionGood{GoodID: l.GoodID, QualType: qualOf(l.Defective),
			StockQnt: l.Stock, QuarantineQnt: l.Quarantine})
		if len(l.Serials) == 0 {
			continue
		}
		if sns == nil {
			sns = map[stockKey][]string{}
		}
		k := stockKey{l.GoodID, qualOf(l.Defective), serialCell(l.Stock, l.Quarantine)}
		sns[k] = append(sns[k], l.Serials...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issueStockDoc(correctionDoc{GoodsCorrection: fulfillment.GoodsCorrection{OutdocType: fulfillment.OutdocCorrection,
		CorrectionType: correctionType, CorrectionTypeDescrip: correctionNames[correctionType], Goods: goods}, sns: sns})
}

// serialCell is the state a line's scanned units leave, or reach when the
// line takes nothing out.
func serialCell(stock, quarantine int32) string {
	switch {
	case stock < 0:
		return fulfillment.GoodStateStock
	case quarantine < 0:
		return fulfillment.GoodStateQuarantine
	case stock > 0:
		return fulfillment.GoodStateStock
	}
	return fulfillment.GoodStateQuarantine
}

// correctionNames are the correction types as the schema describes them
// (goods_correction.correction_type).
var correctionNames = map[string]string{
	fulfillment.CorrectionManual:          "Ручная коррекция",
	fulfillment.CorrectionSurplus:         "Оприходование излишков",
	fulfillment.CorrectionUsefulDefective: "Перевод товара из нормы в брак и обратно",
	fulfillment.CorrectionRegrade:         "Пересорт (изменение кода товара)",
	fulfillment.CorrectionExpiration:      "Выбраковка товара по сроку годности",
	fulfillment.CorrectionQuarantineReset: "Обнуление карантина",
}

// correctionDoc is a goods_correction body and the units scanned for it.
type correctionDoc struct {
	fulfillment.GoodsCorrection
	sns map[stockKey][]string // the lines' Serials by the cell they leave or reach
}

func (d correctionDoc) picked(*Server) map[stockKey][]string { return d.sns }

func (d correctionDoc) outdocType() string { return d.OutdocType }

func (d correctionDoc) withCommon(c fulfillment.OutdocCommon) stockBody {
	d.Common = c
	return d
}

func (d correctionDoc) edit() (stockBody, any) {
	next := correctionDoc{GoodsCorrection: deepCopy(d.GoodsCorrection)}
	return &next, &next.GoodsCorrection
}

// moves: stock_qnt in state stock, quarantine_qnt in state quarantine, by
// the line's quality (#goods_corr_desc).
func (d correctionDoc) moves() []fulfillment.GoodMove {
	var out []fulfillment.GoodMove
	for _, g := range d.Goods {
		if g.StockQnt != 0 {
			out = append(out, fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateStock, QualType: g.QualType, Qnt: g.StockQnt})
		}
		if g.QuarantineQnt != 0 {
			out = append(out, fulfillment.GoodMove{GoodID: g.GoodID, GoodState: fulfillment.GoodStateQuarantine, QualType: g.QualType, Qnt: g.QuarantineQnt})
		}
	}
	return out
}

// check gives each correction type the shape the schema's
// correction_type describes.
func (d correctionDoc) check(s *Server, _ int64) error {
	if _, known := correctionNames[d.CorrectionType]; !known {
		return fmt.Errorf("fboxtest: goods_correction: unknown correction_type %q", d.CorrectionType)
	}
	if len(d.Goods) == 0 {
		return fmt.Errorf("fboxtest: goods_correction %s: no goods", d.CorrectionType)
	}
	for _, g := range d.Goods {
		if err := s.checkGood(g.GoodID, g.QualType); err != nil {
			return err
		}
		if g.StockQnt == 0 && g.QuarantineQnt == 0 {
			return fmt.Errorf("fboxtest: goods_correction %s: good %s: the line corrects nothing", d.CorrectionType, g.GoodID)
		}
		if err := lineShape(d.CorrectionType, g); err != nil {
			return fmt.Errorf("fboxtest: goods_correction %s: good %s: %w", d.CorrectionType, g.GoodID, err)
		}
	}
	return balanced(d.CorrectionType, d.Goods)
}

// lineShape checks one line against its correction type.
func lineShape(typ string, g fulfillment.CorrectionGood) error {
	switch typ {
	case fulfillment.CorrectionManual:
		// "товар списывается с остатка и помещается в карантин или наоборот";
		// quarantine_qnt: "quarantine_qnt = -qnt".
		if g.QuarantineQnt != -g.StockQnt {
			return fmt.Errorf("quarantine_qnt must be −stock_qnt")
		}
	case fulfillment.CorrectionSurplus:
		// "товар списывается с карантина и помещается на остаток".
		if g.StockQnt <= 0 || g.QuarantineQnt != -g.StockQnt {
			return fmt.Errorf("surplus moves units from quarantine (negative) to stock (positive)")
		}
	case fulfillment.CorrectionQuarantineReset:
		// "обнуление карантина": only the quarantine is written off.
		if g.StockQnt != 0 || g.QuarantineQnt >= 0 {
			return fmt.Errorf("quarantine_reset writes quarantine off: stock_qnt 0, quarantine_qnt negative")
		}
	default: // useful_defective, expiration, regrade: stock only
		if g.QuarantineQnt != 0 {
			return fmt.Errorf("quarantine_qnt must be 0")
		}
	}
	return nil
}

// balanced checks what the lines of a type move together: a quality
// change keeps each good's units (expiration only from useful to
// defective), a regrade keeps each quality's units across two goods or
// more.
func balanced(typ string, goods []fulfillment.CorrectionGood) error {
	switch typ {
	case fulfillment.CorrectionUsefulDefective, fulfillment.CorrectionExpiration:
		per := map[string]int32{}
		for _, g := range goods {
			per[g.GoodID] += g.StockQnt
			if typ == fulfillment.CorrectionExpiration && (g.QualType == fulfillment.QualUseful) != (g.StockQnt < 0) {
				return fmt.Errorf("fboxtest: goods_correction expiration: good %s: units go from useful to defective", g.GoodID)
			}
		}
		for id, n := range per {
			if n != 0 {
				return fmt.Errorf("fboxtest: goods_correction %s: good %s: what leaves one quality must enter the other (net %d)", typ, id, n)
			}
		}
	case fulfillment.CorrectionRegrade:
		per := map[string]int32{}
		ids := map[string]bool{}
		for _, g := range goods {
			per[g.QualType] += g.StockQnt
			ids[g.GoodID] = true
		}
		for q, n := range per {
			if n != 0 {
				return fmt.Errorf("fboxtest: goods_correction regrade: %s units taken and given differ by %d", q, n)
			}
		}
		if len(ids) < 2 {
			return fmt.Errorf("fboxtest: goods_correction regrade: one good's units are given to another")
		}
	}
	return nil
}
