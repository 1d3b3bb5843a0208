package moyskladtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
)

// DropAnswerNext makes the next request matching method and pathContains
// ("" matches any) run to completion and then lose its answer: the
// connection closes before a byte is written, as when the network fails
// after MoySklad did the work. A create that sees this cannot tell whether
// the document exists.
func (s *Server) DropAnswerNext(method, pathContains string) {
	s.mu.Lock()
	s.drops = append(s.drops, Fault{Method: method, PathContains: pathContains, Count: 1})
	s.mu.Unlock()
}

// serveOrDrop runs the handler; for a dropped answer it runs it into a
// sink and closes the connection instead of answering.
func (s *Server) serveOrDrop(next http.Handler, w http.ResponseWriter, rec *statusRecorder, r *http.Request) {
	if !s.takeDrop(r.Method, strings.TrimPrefix(r.URL.Path, "/api/remap/1.2")) {
		next.ServeHTTP(rec, r)
		return
	}
	next.ServeHTTP(httptest.NewRecorder(), r)
	rec.status = 0 // no answer
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
	}
}

func (s *Server) takeDrop(method, path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.drops {
		if (f.Method == "" || f.Method == method) && strings.Contains(path, f.PathContains) {
			s.drops = append(s.drops[:i], s.drops[i+1:]...)
			return true
		}
	}
	return false
}
