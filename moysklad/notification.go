package moysklad

// Actions of webhook events.
const (
	ActionCreate    = "CREATE"
	ActionUpdate    = "UPDATE"
	ActionDelete    = "DELETE"
	ActionProcessed = "PROCESSED"
)

// Notification is the body MoySklad POSTs to a webhook subscriber. It holds
// no document data: the receiver GETs the document. auditContext is optional
// (absent without diffType FIELDS), and one POST may carry several events.
type Notification struct {
	AuditContext *AuditContext `json:"auditContext,omitempty"`
	Events       []Event       `json:"events"`
}

// AuditContext identifies the operation that caused the events.
type AuditContext struct {
	Meta   Meta   `json:"meta"`
	UID    string `json:"uid,omitempty"`
	Moment Moment `json:"moment"`
}

// Event is one change of one entity.
type Event struct {
	Meta          Meta     `json:"meta"`
	Action        string   `json:"action"`
	AccountID     string   `json:"accountId,omitempty"`
	UpdatedFields []string `json:"updatedFields,omitempty"`
}

// Webhook is an /entity/webhook subscription.
type Webhook struct {
	Meta       *Meta  `json:"meta,omitempty"`
	ID         string `json:"id,omitempty"`
	AccountID  string `json:"accountId,omitempty"`
	EntityType string `json:"entityType"`
	URL        string `json:"url"`
	Method     string `json:"method,omitempty"`
	Enabled    *bool  `json:"enabled,omitempty"`
	Action     string `json:"action"`
	DiffType   string `json:"diffType,omitempty"`
}
