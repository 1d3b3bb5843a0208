package moysklad

import "strings"

// Meta is MoySklad's reference to an entity. Collections (positions) also
// carry size, limit and offset.
type Meta struct {
	Href         string `json:"href"`
	MetadataHref string `json:"metadataHref,omitempty"`
	Type         string `json:"type"`
	MediaType    string `json:"mediaType,omitempty"`
	UUIDHref     string `json:"uuidHref,omitempty"`
	DownloadHref string `json:"downloadHref,omitempty"`
	Size         *int   `json:"size,omitempty"`
	Limit        *int   `json:"limit,omitempty"`
	Offset       *int   `json:"offset,omitempty"`
}

// ID returns the last path segment of Href: the entity id. Entities are
// compared by id, never by the whole href, because the host may differ.
func (m Meta) ID() string {
	h := m.Href
	if i := strings.IndexAny(h, "?#"); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimRight(h, "/")
	return h[strings.LastIndexByte(h, '/')+1:]
}

// Ref is a reference field as MoySklad writes it: {"meta": {...}}.
type Ref struct {
	Meta Meta `json:"meta"`
}

// NewRef builds a reference to an entity of the given type under baseURL
// (".../api/remap/1.2"). path is the entity path, e.g. "entity/store/<id>".
func NewRef(baseURL, path, typ string) *Ref {
	return &Ref{Meta: Meta{
		Href:      strings.TrimRight(baseURL, "/") + "/" + strings.TrimLeft(path, "/"),
		Type:      typ,
		MediaType: "application/json",
	}}
}

// ID returns the id of the referenced entity, or "" for a nil reference.
func (r *Ref) ID() string {
	if r == nil {
		return ""
	}
	return r.Meta.ID()
}
