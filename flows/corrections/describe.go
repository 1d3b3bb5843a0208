package corrections

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
	"github.com/skladflow/skladflow/placement"
)

// describe says what a warehouse document is, for the description of the
// documents it books: the correction type as the warehouse describes it
// (goods_correction.correction_type_descrip, #goods_corr_desc), or the
// boxes moved (#goods_long_desc).
// at is the document's created_at: the booked documents are dated when
// the warehouse made the change.
func describe(outdocType string, body []byte) (what string, at time.Time, err error) {
	switch outdocType {
	case fulfillment.OutdocCorrection:
		d, err := fulfillment.ParseGoodsCorrection(body)
		if err != nil {
			return "", at, err
		}
		what := "инвентаризация-коррекция"
		if s := firstOf(d.CorrectionTypeDescrip, d.CorrectionType); s != "" {
			what += ": " + s
		}
		return what, d.Common.CreatedAt.Time, nil
	case fulfillment.OutdocToLongStorage, fulfillment.OutdocFromLongStorage:
		d, err := fulfillment.ParseLongStorageMove(body, outdocType)
		if err != nil {
			return "", at, err
		}
		what := "перемещение на длительное хранение"
		if outdocType == fulfillment.OutdocFromLongStorage {
			what = "возврат с длительного хранения"
		}
		var boxes []string
		for _, b := range d.Boxes {
			boxes = append(boxes, strconv.Itoa(int(b.BoxID)))
		}
		if len(boxes) > 0 {
			what += ", коробки " + strings.Join(boxes, ", ")
		}
		return what, d.Common.CreatedAt.Time, nil
	}
	return "", at, fmt.Errorf("%s is not a correction or a long-storage move", outdocType)
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// policyText is the quarantine policy in staff words when the document
// moved units into or out of quarantine (config stock.quarantine).
func policyText(r placement.Rules, moves []fulfillment.GoodMove) string {
	for _, m := range moves {
		if m.GoodState != fulfillment.GoodStateQuarantine {
			continue
		}
		if r.KeepQuarantine {
			return "карантин остаётся на учёте до обнуления карантина при полной инвентаризации (stock.quarantine: keep)"
		}
		return "товар в карантине списывается сразу, найденный оприходуется снова (stock.quarantine: writeoff)"
	}
	return ""
}

// whyNothing says why a document's moves book nothing in MoySklad.
func whyNothing(outdocType string, r placement.Rules, moves []fulfillment.GoodMove) string {
	var why []string
	states, defective := map[string]bool{}, false
	for _, m := range moves {
		states[m.GoodState] = true
		defective = defective || m.QualType == fulfillment.QualDefective
	}
	switch {
	case len(moves) == 0:
		why = append(why, "склад не сообщил движения товара по документу")
	case states[fulfillment.GoodStateLongStorage] && r.LongStorageStore == "":
		why = append(why, "склад длительного хранения не настроен (long_storage_store): товар остаётся на учёте на основном складе")
	}
	if states[fulfillment.GoodStateQuarantine] {
		if r.KeepQuarantine {
			why = append(why, "карантин учитывается вместе с остатком (stock.quarantine: keep)")
		} else {
			why = append(why, "карантин не учитывается (stock.quarantine: writeoff)")
		}
	}
	if defective {
		switch {
		case !r.Defective:
			why = append(why, "брак не учитывается в МойСклад (receipt.defective)")
		case r.DefectStore == "":
			why = append(why, "брак учитывается на основном складе: склад для брака не настроен (defect_store)")
		}
	}
	if len(why) == 0 {
		why = append(why, "движения взаимно погашаются на одних и тех же складах МойСклад")
	}
	return fmt.Sprintf("документ склада (%s) не меняет остатки в МойСклад: %s", outdocType, strings.Join(why, "; "))
}
