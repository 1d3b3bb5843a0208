package webhooks

import "html/template"

// SetPages swaps the admin's templates, to make rendering fail.
func (s *Server) SetPages(t *template.Template) { s.pages = t }
