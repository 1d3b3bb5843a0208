package loadtest

import (
	"encoding/json"

	"github.com/google/uuid"
)

// What the bodies are made of, as MoySklad sends them (moysklad.md §2.2).
const (
	apiBase   = "https://api.moysklad.ru/api/remap/1.2"
	docType   = "supply"
	accountID = "021a4ccc-ee91-11ea-0a80-09f000002b18"
	loadUID   = "load@test"
	moment    = "2026-11-29 10:00:00" // Moscow time, no milliseconds (§2.2)
)

// notification is the body MoySklad POSTs, field for field in §2.2's order.
type notification struct {
	AuditContext auditContext `json:"auditContext"`
	Events       []event      `json:"events"`
}

type auditContext struct {
	Meta   meta   `json:"meta"`
	UID    string `json:"uid"`
	Moment string `json:"moment"`
}

type event struct {
	Meta          meta     `json:"meta"`
	UpdatedFields []string `json:"updatedFields"`
	Action        string   `json:"action"`
	AccountID     string   `json:"accountId"`
}

type meta struct {
	Type string `json:"type"`
	Href string `json:"href"`
}

// statusChanges is one notification of n status changes («state»), each of
// a new supply, under a new audit context: n documents to process once.
func statusChanges(n int) (body []byte, docs []string) {
	nt := notification{AuditContext: auditContext{
		Meta: meta{Type: "audit", Href: apiBase + "/audit/" + uuid.NewString()},
		UID:  loadUID, Moment: moment,
	}}
	nt.Events = make([]event, n)
	docs = make([]string, n)
	for i := range nt.Events {
		id := uuid.NewString()
		docs[i] = docKey(docType, id)
		nt.Events[i] = event{Meta: meta{Type: docType, Href: apiBase + "/entity/" + docType + "/" + id},
			UpdatedFields: []string{"state"}, Action: "UPDATE", AccountID: accountID}
	}
	body, err := json.Marshal(nt)
	if err != nil {
		panic(err) // plain strings only: cannot fail
	}
	return body, docs
}
