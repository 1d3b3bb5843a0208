package moyskladtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/skladflow/skladflow/moysklad"
)

var webhookActions = map[string]bool{"CREATE": true, "UPDATE": true, "DELETE": true, "PROCESSED": true}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rows := clone(s.hooks)
	s.mu.Unlock()
	list := make([]any, len(rows))
	for i, h := range rows {
		list[i] = h
	}
	writeJSON(w, http.StatusOK, object{"meta": object{"href": s.base + "/entity/webhook", "type": "webhook",
		"size": len(rows), "limit": 1000, "offset": 0}, "rows": list})
}

func (s *Server) createWebhooks(w http.ResponseWriter, r *http.Request) {
	var body any
	if !decodeBody(w, r, &body) {
		return
	}
	items, many := body.([]any)
	if !many {
		items = []any{body}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []any
	for _, it := range items {
		m, _ := it.(object)
		if st, e := s.validateWebhook(m, ""); e != nil {
			writeError(w, st, e)
			return
		}
		id := newID()
		h := object{"meta": s.meta("webhook", id), "id": id, "accountId": s.account,
			"entityType": m["entityType"], "url": m["url"], "method": "POST", "enabled": true, "action": m["action"]}
		if m["action"] == "UPDATE" {
			h["diffType"] = "NONE"
			if d, _ := m["diffType"].(string); d != "" {
				h["diffType"] = d
			}
		}
		if e, ok := m["enabled"].(bool); ok {
			h["enabled"] = e
		}
		s.hooks = append(s.hooks, h)
		out = append(out, clone(h))
	}
	if many {
		writeJSON(w, http.StatusOK, out)
		return
	}
	writeJSON(w, http.StatusOK, out[0])
}

// validateWebhook applies MoySklad's rules (30002–30010); it runs under s.mu.
func (s *Server) validateWebhook(m object, selfID string) (int, object) {
	typ, _ := m["entityType"].(string)
	action, _ := m["action"].(string)
	url, _ := m["url"].(string)
	switch {
	case typ == "" || action == "" || url == "":
		return http.StatusPreconditionFailed, apiError(3000, "Ошибка сохранения объекта: поля 'entityType', 'action' и 'url' обязательны", "")
	case typ == "webhook" || typ == "notes" || typ == "discount":
		return http.StatusBadRequest, apiError(30000, "Тип сущности '"+typ+"' не поддерживается", "entityType")
	case !webhookActions[action]:
		return http.StatusBadRequest, apiError(30002, "Неизвестное действие '"+action+"'", "action")
	case len(url) > 255:
		return http.StatusBadRequest, apiError(30010, "Длина url превышает 255 символов", "url")
	case !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://"):
		return http.StatusBadRequest, apiError(30005, "Некорректный url '"+url+"'", "url")
	}
	if d, _ := m["diffType"].(string); d != "" && d != "NONE" && action != "UPDATE" {
		return http.StatusBadRequest, apiError(30009, "diffType допустим только для действия UPDATE", "diffType")
	}
	same := 0
	for _, h := range s.hooks {
		if h["id"] == selfID {
			continue
		}
		if h["entityType"] == typ && h["action"] == action {
			if h["url"] == url {
				return http.StatusBadRequest, apiError(30003, "Такой веб-хук уже существует", "url")
			}
			same++
		}
	}
	if same >= 5 {
		return http.StatusBadRequest, apiError(30007, "Нельзя создать больше '5' веб-хуков одинакового типа на одну сущность", "")
	}
	return 0, nil
}

func (s *Server) hookIndex(id string) int {
	for i, h := range s.hooks {
		if h["id"] == id {
			return i
		}
	}
	return -1
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.hookIndex(r.PathValue("id"))
	if i < 0 {
		notFound(w, "webhook", r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, s.hooks[i])
}

func (s *Server) putWebhook(w http.ResponseWriter, r *http.Request) {
	var body object
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	i := s.hookIndex(id)
	if i < 0 {
		notFound(w, "webhook", id)
		return
	}
	next := clone(s.hooks[i])
	for _, k := range []string{"entityType", "action", "url", "diffType", "enabled"} {
		if v, ok := body[k]; ok {
			next[k] = v
		}
	}
	if st, e := s.validateWebhook(next, id); e != nil {
		writeError(w, st, e)
		return
	}
	s.hooks[i] = next
	writeJSON(w, http.StatusOK, next)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.hookIndex(r.PathValue("id"))
	if i < 0 {
		notFound(w, "webhook", r.PathValue("id"))
		return
	}
	s.hooks = append(s.hooks[:i], s.hooks[i+1:]...)
	w.WriteHeader(http.StatusOK)
}

// DisableWebhooks turns every subscription off, as MoySklad does after days
// of failed deliveries.
func (s *Server) DisableWebhooks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hooks {
		h["enabled"] = false
	}
}

// fire queues a notification for every enabled subscription to the change,
// except those a DisableByPrefix header of the request excludes.
func (s *Server) fire(typ, id, action string, fields []string, uid string, disabledPrefixes []string) {
	s.fireMany(typ, []string{id}, action, fields, uid, disabledPrefixes)
}

// fireMany sends one notification per webhook carrying an event for each
// document: a change of many documents at once is one POST with several
// events (moysklad.md §2.2).
func (s *Server) fireMany(typ string, ids []string, action string, fields []string, uid string, disabledPrefixes []string) {
	s.mu.Lock()
	var out []notice
	for _, h := range s.hooks {
		url, _ := h["url"].(string)
		if h["entityType"] != typ || h["action"] != action || h["enabled"] != true || hasPrefix(url, disabledPrefixes) {
			continue
		}
		events := make([]any, len(ids))
		for i, id := range ids {
			ev := object{"meta": object{"type": typ, "href": s.base + "/entity/" + typ + "/" + id},
				"action": action, "accountId": s.account}
			if h["diffType"] == "FIELDS" && action == "UPDATE" {
				ev["updatedFields"] = fields
			}
			events[i] = ev
		}
		body := object{"events": events}
		if h["diffType"] == "FIELDS" {
			body["auditContext"] = object{
				"meta":   object{"type": "audit", "href": s.base + "/audit/" + newID()},
				"uid":    uid,
				"moment": time.Now().In(moysklad.Moscow).Format("2006-01-02 15:04:05"),
			}
		}
		b, _ := json.Marshal(body)
		n := notice{requestID: newID(), url: url, body: b}
		s.sent[n.requestID] = n
		out = append(out, n)
	}
	s.mu.Unlock()
	for _, n := range out {
		select {
		case s.queue <- n:
		case <-s.done:
		}
	}
}

func hasPrefix(url string, prefixes []string) bool {
	for _, p := range prefixes {
		if p != "" && strings.HasPrefix(url, p) {
			return true
		}
	}
	return false
}

// deliverLoop sends notifications in order. Success is 200 or 204 within
// the timeout; any other answer gets three more immediate attempts; a
// timeout drops the notification for good.
func (s *Server) deliverLoop() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			return
		case n := <-s.queue:
			for attempt := 1; attempt <= 4; attempt++ {
				status, err := s.post(n)
				d := Delivery{RequestID: n.requestID, URL: n.url, Body: n.body, Attempt: attempt, Status: status, At: time.Now()}
				if err != nil {
					d.Err = err.Error()
				}
				s.mu.Lock()
				s.delivered = append(s.delivered, d)
				s.mu.Unlock()
				if err == nil && (status == http.StatusOK || status == http.StatusNoContent) {
					break
				}
				if err != nil && isTimeout(err) {
					break // MoySklad does not resend after a timeout
				}
			}
		}
	}
}

func (s *Server) post(n notice) (int, error) {
	sep := "?"
	if strings.Contains(n.url, "?") {
		sep = "&"
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url+sep+"requestId="+n.requestID, bytes.NewReader(n.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func isTimeout(err error) bool {
	type timeout interface{ Timeout() bool }
	t, ok := err.(timeout)
	return (ok && t.Timeout()) || strings.Contains(err.Error(), "deadline exceeded")
}

// Deliveries lists every delivery attempt so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}

// Resend delivers a notification again with the same requestId.
func (s *Server) Resend(requestID string) error {
	s.mu.Lock()
	n, ok := s.sent[requestID]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("moyskladtest: no notification %s", requestID)
	}
	s.queue <- n
	return nil
}

// ResendAsNew delivers the same body under a new requestId.
func (s *Server) ResendAsNew(requestID string) (string, error) {
	s.mu.Lock()
	n, ok := s.sent[requestID]
	if ok {
		n.requestID = newID()
		s.sent[n.requestID] = n
	}
	s.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("moyskladtest: no notification %s", requestID)
	}
	s.queue <- n
	return n.requestID, nil
}

// badPrefix returns the first X-Lognex-WebHook-DisableByPrefix value
// MoySklad refuses: the prefix "must contain the protocol and the full
// domain name" ("https://" and "https://some_url" are refused,
// "https://some_url.com[/path]" accepted; md/dictionaries/_webhook.md,
// moysklad.md §2.4). An IP address is no domain name: refused too (the
// doc does not say; this is the strict reading). The error code and HTTP
// status of the refusal are not documented: 400 here.
func badPrefix(values []string) string {
	for _, v := range values {
		rest, ok := strings.CutPrefix(v, "https://")
		if !ok {
			rest, ok = strings.CutPrefix(v, "http://")
		}
		host, _, _ := strings.Cut(rest, "/")
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !ok || !isDomainName(host) {
			return v
		}
	}
	return ""
}

// isDomainName: two or more non-empty labels, the last (the top-level
// domain) not numeric, which rules out IPv4 addresses; IPv6 has brackets.
func isDomainName(host string) bool {
	labels := strings.Split(host, ".")
	if len(labels) < 2 || strings.ContainsAny(host, "[]:") {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return strings.Trim(tld, "0123456789") != ""
}

// dialLocalhost dials *.localhost names on the loopback address, as RFC
// 6761 §6.3 asks of name resolution (browsers and systemd-resolved do so,
// Go's resolver does not): tests can then subscribe a URL with a domain
// name, which X-Lognex-WebHook-DisableByPrefix requires.
func dialLocalhost(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(host, ".localhost") {
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
}
