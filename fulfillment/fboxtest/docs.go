package fboxtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/skladflow/skladflow/fulfillment"
)

func (s *Server) createIndoc(w http.ResponseWriter, r *http.Request) {
	var t fulfillment.SupplyTask
	if err := json.NewDecoder(r.Body).Decode(&t); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.IndocID != "" {
		s.creates[t.IndocID]++
	}
	if msg := s.validate(t); msg != "" {
		s.business(w, fulfillment.CodeUnclassified, msg)
		return
	}
	if _, dup := s.tasks[t.IndocID]; dup {
		s.business(w, fulfillment.CodeDuplicate, fmt.Sprintf("Входящий документ с номером %s уже зарегистрирован", t.IndocID))
		return
	}
	// fbox.md §6.1: a supply task registers its goods exactly as POST /goods
	// would, and a refused card refuses the task (#error_desc: rollback).
	next := s.cat.clone()
	for _, g := range t.Goods {
		if err := next.set(g, s.now()); err != nil {
			s.refuse(w, err)
			return
		}
	}
	s.cat = next
	s.tasks[t.IndocID] = t
	s.order = append(s.order, t.IndocID)
	ok(w, nil)
}

// validate checks a task as FBox does; it runs under s.mu.
func (s *Server) validate(t fulfillment.SupplyTask) string {
	switch {
	case t.IndocType != fulfillment.IndocSupplyTask:
		return fmt.Sprintf("Неизвестный тип входящего документа %q", t.IndocType)
	case t.IndocID == "" || utf8.RuneCountInString(t.IndocID) > 255:
		return "Номер документа (indoc_id) должен содержать от 1 до 255 символов"
	case utf8.RuneCountInString(t.IndocTxt) > 255: // schema goods_supply_task: indoc_txt maxLength 255
		return "Примечание к документу (indoc_txt) длиннее 255 символов"
	case len(t.Items) == 0:
		return "Документ не содержит товаров (items)"
	}
	inTask := map[string]bool{}
	for _, g := range t.Goods {
		if g.GoodID == "" || g.GoodName == "" {
			return "У товара в goods не заполнен good_id или good_name"
		}
		if utf8.RuneCountInString(g.GoodID) > 255 || utf8.RuneCountInString(g.GoodName) > 255 { // schema: maxLength 255
			return fmt.Sprintf("У товара %.40s good_id или good_name длиннее 255 символов", g.GoodID)
		}
		inTask[g.GoodID] = true
	}
	for i, it := range t.Items {
		switch {
		case it.GoodID == "":
			return fmt.Sprintf("items[%d]: не заполнен good_id", i)
		case it.PlanQnt <= 0:
			return fmt.Sprintf("items[%d]: plan_qnt должен быть больше 0", i)
		}
		if !s.cat.has(it.GoodID) && !inTask[it.GoodID] {
			return fmt.Sprintf("Товар %s не зарегистрирован", it.GoodID)
		}
	}
	return ""
}

func (s *Server) getIndoc(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, found := s.tasks[r.PathValue("id")]
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Документ не найден")
		return
	}
	ok(w, map[string]any{"indoc": t})
}

func (s *Server) deleteIndoc(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, found := s.tasks[id]; !found {
		s.fail(w, http.StatusNotFound, 404, "Документ не найден")
		return
	}
	for _, o := range s.outdocs {
		if o.header.IndocID == id {
			s.business(w, fulfillment.CodeUnclassified, fmt.Sprintf("Документ %s нельзя удалить: товар уже поступил на склад", id))
			return
		}
	}
	delete(s.tasks, id)
	s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == id })
	ok(w, nil)
}

type listReq struct {
	FromDate      *fulfillment.Date `json:"from_date"`
	ToDate        *fulfillment.Date `json:"to_date"`
	OutdocType    string            `json:"outdoc_type"`
	Locked        *bool             `json:"locked"`
	UnlockRequest *bool             `json:"unlock_request"`
	IndocID       string            `json:"indoc_id"`
	PageSize      int               `json:"page_size"`
	PageToken     string            `json:"page_token"`
}

func (s *Server) listOutdocs(w http.ResponseWriter, r *http.Request) {
	var q listReq
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	if q.PageSize <= 0 {
		q.PageSize = 1000
	}
	start := 0
	if q.PageToken != "" {
		n, err := strconv.Atoi(q.PageToken)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, 400, "Некорректный page_token")
			return
		}
		start = n
	}
	s.mu.Lock()
	var ids []int64
	for id := range s.outdocs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var items []fulfillment.OutdocHeader
	for _, id := range ids {
		h := s.outdocs[id].header
		switch {
		case q.OutdocType != "" && h.OutdocType != q.OutdocType,
			q.Locked != nil && h.Locked != *q.Locked,
			q.UnlockRequest != nil && h.UnlockRequest != *q.UnlockRequest,
			q.IndocID != "" && h.IndocID != q.IndocID,
			q.FromDate != nil && h.CreatedAt.Before(q.FromDate.Time),
			q.ToDate != nil && !h.CreatedAt.Before(q.ToDate.Time):
			continue
		}
		items = append(items, h)
	}
	s.mu.Unlock()
	resp := map[string]any{}
	end := min(start+q.PageSize, len(items))
	if start > len(items) {
		start = len(items)
	}
	resp["items"] = items[start:end]
	if end < len(items) {
		resp["page_next_token"] = strconv.Itoa(end)
	}
	ok(w, resp)
}

func (s *Server) getOutdoc(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	o, found := s.outdocs[id]
	var body any
	if found {
		body = o.body
		if o.raw != nil {
			body = o.raw
		}
	}
	s.mu.Unlock()
	if !found {
		s.fail(w, http.StatusNotFound, 404, "Документ не найден")
		return
	}
	b, _ := json.Marshal(body)
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	ok(w, fields)
}

func (s *Server) lockOutdocs(w http.ResponseWriter, r *http.Request) {
	var q struct {
		Outdocs []struct {
			OutdocID *int64 `json:"outdoc_id"`
			Lock     *bool  `json:"lock"`
		} `json:"outdocs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil || len(q.Outdocs) == 0 {
		s.fail(w, http.StatusBadRequest, 400, "Ожидается {\"outdocs\":[{\"outdoc_id\":N,\"lock\":true}]}")
		return
	}
	s.mu.Lock()
	for _, x := range q.Outdocs {
		if x.OutdocID == nil || x.Lock == nil {
			s.mu.Unlock()
			s.fail(w, http.StatusBadRequest, 400, "outdoc_id и lock обязательны")
			return
		}
		if _, found := s.outdocs[*x.OutdocID]; !found {
			s.mu.Unlock()
			s.fail(w, http.StatusNotFound, 404, fmt.Sprintf("Документ %d не найден", *x.OutdocID))
			return
		}
	}
	type replacement struct {
		old   fulfillment.Supply
		lines []Line
	}
	var replace []replacement
	for _, x := range q.Outdocs {
		o := s.outdocs[*x.OutdocID]
		o.header.Locked = *x.Lock
		if !*x.Lock {
			o.header.UnlockRequest = false
			// A correction: once unlocked, the old document goes and its
			// replacement comes under a new id (fbox.md §8 "Corrections").
			if lines, ok := s.replace[*x.OutdocID]; ok {
				delete(s.replace, *x.OutdocID)
				delete(s.outdocs, *x.OutdocID)
				replace = append(replace, replacement{o.body, lines})
			}
		}
	}
	s.locks++
	s.mu.Unlock()
	for _, r := range replace {
		if err := s.reissue(r.old, r.lines); err != nil {
			s.opts.Logger.Error("fboxtest: replacement", "err", err)
		}
	}
	ok(w, nil)
}

// reissue issues the replacement of a corrected document as the same kind
// of document: a part as the same part, a separate surplus document as a
// surplus document, a final receipt as a final receipt. It keeps the
// original outdoc_date and gets a new id and created_at (fbox.md §8
// "Corrections": "a new outdoc_id and new created_at, but the original
// outdoc_date").
func (s *Server) reissue(old fulfillment.Supply, lines []Line) error {
	var (
		id  int64
		err error
	)
	indoc := old.Common.IndocID
	part, isPart := old.Part()
	switch {
	case old.SurplusOf() != "":
		id, err = s.ReceiveSurplus(old.SurplusOf(), lines...)
	case old.PartNum != nil:
		id, err = s.ReceivePart(indoc, part, lines...)
	case isPart: // marked by attribute 9 alone: so is its replacement
		id, err = s.ReceivePartByAttribute(indoc, part, lines...)
	default:
		id, err = s.Receive(indoc, lines...)
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.outdocs[id]
	o.header.OutdocDate, o.body.Common.OutdocDate = old.Common.OutdocDate, old.Common.OutdocDate
	return nil
}

func (s *Server) checkOutdocs(w http.ResponseWriter, r *http.Request) {
	var q struct {
		OutdocIDs []int64 `json:"outdoc_ids"`
	}
	if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
		s.fail(w, http.StatusBadRequest, 400, "Некорректный JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	missing := []int64{}
	for _, id := range q.OutdocIDs {
		if _, found := s.outdocs[id]; !found {
			missing = append(missing, id)
		}
	}
	s.mu.Unlock()
	ok(w, map[string]any{"missing_outdoc_ids": missing})
}
