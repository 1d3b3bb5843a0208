package moysklad

// NamedRef is a link to a dictionary entity — a sales channel, an
// organization — as MoySklad writes it: a meta only, or with its name and
// codes when expanded. A shop that sells under several names is told apart
// by these (issue 11 §2: the shop of an order from its sales channel or
// organization).
type NamedRef struct {
	Meta         Meta   `json:"meta"`
	ID           string `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	Code         string `json:"code,omitempty"`
	ExternalCode string `json:"externalCode,omitempty"`
}

// Ref is the link as it goes into a write: its meta only.
func (r *NamedRef) Ref() *Ref {
	if r == nil {
		return nil
	}
	return &Ref{Meta: r.Meta}
}

// EntityID is the linked entity's id, expanded or not; "" for none.
func (r *NamedRef) EntityID() string {
	if r == nil {
		return ""
	}
	return r.Meta.ID()
}
