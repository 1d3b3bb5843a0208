package moysklad

// State types.
const (
	StateRegular      = "Regular"
	StateSuccessful   = "Successful"
	StateUnsuccessful = "Unsuccessful"
)

// State is a document status (статус) of one document type.
type State struct {
	Meta       Meta   `json:"meta"`
	ID         string `json:"id,omitempty"`
	AccountID  string `json:"accountId,omitempty"`
	Name       string `json:"name,omitempty"`
	Color      int64  `json:"color,omitempty"`
	StateType  string `json:"stateType,omitempty"`
	EntityType string `json:"entityType,omitempty"`
}

// Ref returns a reference to the state for a document PUT.
func (s State) Ref() *Ref {
	return &Ref{Meta: Meta{Href: s.Meta.Href, Type: "state", MediaType: "application/json"}}
}

// Metadata is GET /entity/{type}/metadata: the statuses of a document type.
type Metadata struct {
	Meta   Meta    `json:"meta"`
	States []State `json:"states"`
}

// Store is a warehouse (склад) in MoySklad.
type Store struct {
	Meta Meta   `json:"meta"`
	ID   string `json:"id"`
	Name string `json:"name"`
}
