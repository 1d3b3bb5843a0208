package fboxtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/skladflow/skladflow/stdwebhooks"
)

// Push is one push the emulator sent.
type Push struct {
	ID     string
	Body   []byte
	Status int
	Err    string
}

// push tells PushURL that a document is ready, signed with PushKey; one
// attempt, in the background, like a relay that does not retry.
func (s *Server) push(outdocID int64, outdocType, indocID string) {
	if s.opts.PushURL == "" {
		return
	}
	body, _ := json.Marshal(map[string]any{"type": "outdoc.ready", "outdoc_id": outdocID,
		"outdoc_type": outdocType, "indoc_id": indocID})
	id := fmt.Sprintf("msg_%d_%d", outdocID, time.Now().UnixNano())
	go func() {
		p := Push{ID: id, Body: body}
		req, err := http.NewRequest(http.MethodPost, s.opts.PushURL, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			stdwebhooks.SetHeaders(req.Header, s.opts.PushKey, id, s.opts.Now(), body)
			var resp *http.Response
			if resp, err = http.DefaultClient.Do(req); err == nil {
				p.Status = resp.StatusCode
				resp.Body.Close()
			}
		}
		if err != nil {
			p.Err = err.Error()
		}
		s.mu.Lock()
		s.pushes = append(s.pushes, p)
		s.mu.Unlock()
	}()
}

// Pushes lists the pushes sent so far.
func (s *Server) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.pushes...)
}
