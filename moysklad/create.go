package moysklad

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// CodeNotUnique is MoySklad's uniqueness refusal (moysklad.md §5.4).
const CodeNotUnique = 3006

// baseFields names the body field of a template's base document by the
// base's type (spec paths/documents/*/*-new.yaml).
var baseFields = map[string]string{
	TypeCustomerOrder: "customerOrder",
	TypeDemand:        "demand",
	TypeSalesReturn:   "salesReturn",
	"internalorder":   "internalOrder",
	"purchaseorder":   "purchaseOrder",
}

// Template asks MoySklad for a prefilled, unsaved document of typ
// (PUT entity/{typ}/new): with base, built on that document (a demand on a
// customer order, a salesreturn on a demand, a loss on a salesreturn, a
// move on a customer order), which fills organization, agent, stores and
// positions the way MoySklad's own UI does. It saves nothing, so it is
// safe to repeat.
func (c *Client) Template(ctx context.Context, typ string, base *Ref) (*Document, error) {
	body := map[string]any{}
	if base != nil {
		field, ok := baseFields[base.Meta.Type]
		if !ok {
			return nil, fmt.Errorf("moysklad: template of %s: no base field for %s", typ, base.Meta.Type)
		}
		body[field] = Ref{Meta: Meta{Href: base.Meta.Href, Type: base.Meta.Type, MediaType: "application/json"}}
	}
	var d Document
	if err := c.Do(ctx, http.MethodPut, "entity/"+typ+"/new", nil, body, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Create saves doc as a new document of typ with syncID (see SyncID) and
// returns it as MoySklad stored it. It never makes a second document for
// one syncID:
//   - the POST is not repeated blindly (Do repeats a POST only after 429,
//     which MoySklad answers before doing anything);
//   - when the answer is lost (network error, 5xx) or MoySklad says the
//     syncId is taken, the POST may have been done: Create looks the
//     document up by syncId and returns it if it exists;
//   - if it cannot tell, it returns an UncertainCreateError, which is
//     temporary: the caller retries the same Create later, with the same
//     syncID, and never with a fresh one.
func (c *Client) Create(ctx context.Context, typ string, doc Document, syncID string, expand ...string) (*Document, error) {
	body, err := createBody(doc, syncID)
	if err != nil {
		return nil, fmt.Errorf("moysklad: create %s: %w", typ, err)
	}
	var out Document
	err = c.Do(ctx, http.MethodPost, "entity/"+typ, expandQuery(expand), body, &out)
	if err == nil {
		return &out, nil
	}
	if !mayExist(err) {
		return nil, err
	}
	found, ferr := c.FindBySyncID(ctx, typ, syncID, expand...)
	switch {
	case ferr != nil:
		return nil, &UncertainCreateError{Type: typ, SyncID: syncID, Err: errors.Join(err, ferr)}
	case found != nil:
		return found, nil
	case isDuplicate(err):
		// Taken but not found: not visible yet, or taken by another type.
		return nil, &UncertainCreateError{Type: typ, SyncID: syncID, Err: err}
	}
	return nil, err // not created: the POST's own error, temporary
}

// FindBySyncID returns the document of typ with the syncId, or nil.
func (c *Client) FindBySyncID(ctx context.Context, typ, syncID string, expand ...string) (*Document, error) {
	docs, err := list[Document](ctx, c, "entity/"+typ, "syncId="+syncID, expand)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	return &docs[0], nil
}

// mayExist reports a failed POST that may nevertheless have created the
// document: no answer, a server error, or a syncId already taken.
func mayExist(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	var ae *APIError
	return errors.As(err, &ae) && (ae.Status >= 500 || isDuplicate(err))
}

// isDuplicate reports MoySklad refusing a syncId as not unique. Other
// uniqueness refusals (a document name) are final and not looked up.
func isDuplicate(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, el := range ae.Errors {
		if el.Code == CodeNotUnique && (el.Parameter == "syncId" || strings.Contains(el.Error, "syncId")) {
			return true
		}
	}
	return false
}

// UncertainCreateError says a create may or may not have happened and the
// lookup by syncId could not tell. It is temporary: retry the same Create.
type UncertainCreateError struct {
	Type, SyncID string
	Err          error
}

func (e *UncertainCreateError) Error() string {
	return fmt.Sprintf("moysklad: create %s syncId %s: not known whether it was created: %v", e.Type, e.SyncID, e.Err)
}

func (e *UncertainCreateError) Unwrap() error { return e.Err }

// Temporary is always true: the answer is only delayed.
func (e *UncertainCreateError) Temporary() bool { return true }

// createKeys are fields of a read document that a POST must not carry:
// identity and what MoySklad computes.
var createKeys = []string{"meta", "id", "accountId", "created", "updated", "deleted", "sum", "vatSum",
	"payedSum", "printed", "published", "syncId", "reservedSum", "shippedSum", "invoicedSum"}

// createBody is doc as a POST body: read-only fields dropped, references
// reduced to their meta, positions as a plain array of new lines.
func createBody(doc Document, syncID string) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(b, &body); err != nil {
		return nil, err
	}
	for _, k := range createKeys {
		delete(body, k)
	}
	for _, k := range []string{"name", "moment"} {
		if v := string(body[k]); v == `""` || v == "null" {
			delete(body, k) // MoySklad numbers and dates a new document itself
		}
	}
	set := func(k string, v any) error {
		raw, err := json.Marshal(v)
		body[k] = raw
		return err
	}
	if doc.State != nil {
		err = errors.Join(err, set("state", Ref{Meta: doc.State.Meta}))
	}
	if doc.Agent != nil {
		err = errors.Join(err, set("agent", Ref{Meta: doc.Agent.Meta}))
	}
	if doc.SalesChannel != nil {
		err = errors.Join(err, set("salesChannel", doc.SalesChannel.Ref()))
	}
	if doc.Organization != nil {
		err = errors.Join(err, set("organization", doc.Organization.Ref()))
	}
	rows := make([]Position, 0, len(doc.Rows()))
	for _, p := range doc.Rows() {
		w := p.ForWrite()
		w.ID = ""
		rows = append(rows, w)
	}
	delete(body, "positions")
	if doc.Positions != nil {
		err = errors.Join(err, set("positions", rows))
	}
	err = errors.Join(err, set("syncId", syncID))
	return body, err
}
