package fboxtest

import (
	"fmt"
	"slices"
	"time"

	"github.com/skladflow/skladflow/fulfillment"
)

// SupplyTask returns a task as it was created.
func (s *Server) SupplyTask(indocID string) (fulfillment.SupplyTask, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[indocID]
	return t, ok
}

// SupplyTasks lists the live tasks in creation order.
func (s *Server) SupplyTasks() []fulfillment.SupplyTask {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]fulfillment.SupplyTask, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.tasks[id])
	}
	return out
}

// CreateCalls counts POST /indocs attempts for a number, refused ones too.
func (s *Server) CreateCalls(indocID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates[indocID]
}

// Outdoc returns an outgoing document's current header.
func (s *Server) Outdoc(id int64) (fulfillment.OutdocHeader, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.outdocs[id]
	if !ok {
		return fulfillment.OutdocHeader{}, false
	}
	return o.header, true
}

// Receive makes the warehouse issue a goods_supply for a task: every planned
// good appears with its plan; listed lines say what arrived; a planned good
// not listed arrived as 0; a listed good not in the plan appears with
// plan_qnt 0 (surplus or a substitute, received in the same document).
func (s *Server) Receive(indocID string, lines ...Line) (int64, error) {
	return s.receive(indocID, nil, nil, lines, fulfillment.Date{})
}

// ReceiveExact receives everything as planned.
func (s *Server) ReceiveExact(indocID string) (int64, error) {
	t, ok := s.SupplyTask(indocID)
	if !ok {
		return 0, fmt.Errorf("fboxtest: no task %s", indocID)
	}
	var lines []Line
	for _, it := range t.Items {
		lines = append(lines, Line{GoodID: it.GoodID, Useful: it.PlanQnt})
	}
	return s.receive(indocID, nil, nil, lines, fulfillment.Date{})
}

// ReceiveNothing closes a task whose goods never came: attribute 306 and
// zero quantities.
func (s *Server) ReceiveNothing(indocID string) (int64, error) {
	return s.receive(indocID, nil, []fulfillment.OutdocAttribute{{AttributeID: fulfillment.AttrWaitExpired,
		AttributeType: "boolean", AttributeName: "Истек срок ожидания поставки", Value: true}}, nil, fulfillment.Date{})
}

// ReceivePart issues a non-final part of a partial receipt.
func (s *Server) ReceivePart(indocID string, partNum int32, lines ...Line) (int64, error) {
	return s.receive(indocID, &partNum, []fulfillment.OutdocAttribute{{AttributeID: fulfillment.AttrPartNum,
		AttributeType: "integer", AttributeName: "Номер частичной приемки", Value: partNum}}, lines, fulfillment.Date{})
}

// ReceivePartByAttribute issues a non-final part marked only by attribute 9:
// the spec defines "not the last part" by that attribute
// (#goods_inpart_desc) and names the top-level part_num only in the schema,
// so a real document may carry the attribute alone.
func (s *Server) ReceivePartByAttribute(indocID string, partNum int32, lines ...Line) (int64, error) {
	return s.receive(indocID, nil, []fulfillment.OutdocAttribute{{AttributeID: fulfillment.AttrPartNum,
		AttributeType: "int", AttributeName: "Порядковый номер частичной приемки", Value: partNum}}, lines, fulfillment.Date{})
}

// LastOutdoc is the id of the newest outgoing document, 0 before the first.
func (s *Server) LastOutdoc() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.outdocs) == 0 {
		return 0
	}
	return s.nextID
}

// Correct revises a receipt: a locked one (imported by the client) gets
// unlock_request and, once the client has reverted and unlocked it, is
// deleted and replaced by a document of the same kind (a part, a surplus
// document or the final receipt) with lines (fbox.md §8 "Corrections").
// An unlocked one is deleted and replaced at once: the warehouse may delete
// an unlocked document (#outdoc_share_desc), and a reader that never locks
// learns of it from outdocs/check.
func (s *Server) Correct(outdocID int64, lines ...Line) error {
	s.mu.Lock()
	o, ok := s.outdocs[outdocID]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("fboxtest: no outdoc %d", outdocID)
	}
	if o.header.Locked {
		o.header.UnlockRequest = true
		s.replace[outdocID] = lines
		s.mu.Unlock()
		return nil
	}
	delete(s.outdocs, outdocID)
	s.mu.Unlock()
	return s.reissue(o.body, lines)
}

// DeleteOutdoc deletes an unlocked document, as the warehouse may within
// 14 days; outdocs/check then reports it missing.
func (s *Server) DeleteOutdoc(id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.outdocs[id]
	if !ok || o.header.Locked {
		return fmt.Errorf("fboxtest: outdoc %d is not an unlocked document", id)
	}
	delete(s.outdocs, id)
	return nil
}

// ReceiveSurplus issues the separate goods_supply a warehouse makes for
// surplus when surplus_enabled is off: no task number of its own, attribute
// 624 naming the task where the surplus was found, every line unplanned.
func (s *Server) ReceiveSurplus(indocID string, lines ...Line) (int64, error) {
	s.mu.Lock()
	_, ok := s.tasks[indocID]
	s.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("fboxtest: no task %s", indocID)
	}
	return s.issue("", nil, []fulfillment.OutdocAttribute{{AttributeID: fulfillment.AttrSurplusOf,
		AttributeType: "string", AttributeName: "Излишки по заданию", Value: indocID}}, unplanned(lines), fulfillment.Date{})
}

func hasAttr(attrs []fulfillment.OutdocAttribute, id int) bool {
	for _, a := range attrs {
		if a.AttributeID == id {
			return true
		}
	}
	return false
}

func unplanned(lines []Line) []fulfillment.SupplyGood {
	var goods []fulfillment.SupplyGood
	for _, l := range lines {
		goods = append(goods, fulfillment.SupplyGood{GoodID: l.GoodID, UsefulQnt: l.Useful, DefectiveQnt: l.Defective})
	}
	return goods
}

// receive issues a goods_supply for a task; a zero day is today.
func (s *Server) receive(indocID string, part *int32, attrs []fulfillment.OutdocAttribute, lines []Line, day fulfillment.Date) (int64, error) {
	s.mu.Lock()
	t, ok := s.tasks[indocID]
	if !ok {
		s.mu.Unlock()
		return 0, fmt.Errorf("fboxtest: no task %s", indocID)
	}
	// #recognition_desc: a receipt cannot be completed (its last document
	// issued) while unknown goods of the task wait for identification.
	if part == nil && !hasAttr(attrs, fulfillment.AttrPartNum) && s.unidentified(indocID) {
		s.mu.Unlock()
		return 0, fmt.Errorf("fboxtest: task %s has unidentified goods: the receipt cannot be completed", indocID)
	}
	got := map[string]Line{}
	for _, l := range lines {
		got[l.GoodID] = l
	}
	var goods []fulfillment.SupplyGood
	for _, it := range t.Items {
		l := got[it.GoodID]
		goods = append(goods, fulfillment.SupplyGood{GoodID: it.GoodID, PlanQnt: it.PlanQnt, UsefulQnt: l.Useful, DefectiveQnt: l.Defective})
		delete(got, it.GoodID)
	}
	for _, l := range lines {
		if _, extra := got[l.GoodID]; extra {
			goods = append(goods, unplanned([]Line{l})...)
		}
	}
	s.mu.Unlock()
	return s.issue(indocID, part, attrs, goods, day)
}

// issue adds an unlocked goods_supply outdoc dated day (zero: today).
func (s *Server) issue(indocID string, part *int32, attrs []fulfillment.OutdocAttribute, goods []fulfillment.SupplyGood, day fulfillment.Date) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	at := s.opts.Now().In(fulfillment.Moscow).Truncate(time.Second)
	now := fulfillment.Date{Time: at}
	if day.IsZero() {
		day = fulfillment.Date{Time: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, fulfillment.Moscow)}
	}
	h := fulfillment.OutdocHeader{OutdocID: s.nextID, OutdocType: fulfillment.OutdocSupply,
		OutdocTypeDescrip: "Товары оприходованы", OutdocDate: day, CreatedAt: now, IndocID: indocID, PartNum: part}
	s.outdocs[s.nextID] = &outdoc{header: h, body: fulfillment.Supply{
		OutdocType: fulfillment.OutdocSupply,
		Common: fulfillment.OutdocCommon{OutdocID: s.nextID, OutdocType: fulfillment.OutdocSupply,
			OutdocTypeDescrip: "Товары оприходованы", OutdocDate: day, CreatedAt: now, IndocID: indocID,
			Attributes: slices.Clone(attrs)},
		PartNum:     part,
		Goods:       goods,
		GoodsExpiry: []fulfillment.GoodsExpiry{},
	}}
	s.push(s.nextID, fulfillment.OutdocSupply, indocID)
	return s.nextID, nil
}
