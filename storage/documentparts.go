package storage

import (
	"context"
	"strings"
)

// PartFailed is a share that could not be applied and will not be tried
// again by itself (MoySklad refused it, or nothing to book it for): why is
// in its Change and the timeline.
const PartFailed = "failed"

// DocumentPart is a recorded share with the type of its outdoc.
type DocumentPart struct {
	OutdocPart
	OutdocType string
}

const documentPartQuery = `SELECT p.warehouse, p.outdoc_id, p.key, p.doc_type, p.doc_id, p.status, p.change, p.updated_at, COALESCE(o.type, '')
	FROM outdoc_parts p LEFT JOIN outdocs o ON o.warehouse = p.warehouse AND o.outdoc_id = p.outdoc_id`

// DocumentParts lists the shares recorded for a MoySklad document, oldest
// outdoc first: a customer order's shipment and its returns.
func (s *Store) DocumentParts(ctx context.Context, docType, docID string) ([]DocumentPart, error) {
	return s.documentParts(ctx, documentPartQuery+` WHERE p.doc_type = ? AND p.doc_id = ? ORDER BY p.outdoc_id, p.key`, docType, docID)
}

// OutdocTypeParts lists the shares recorded for outdocs of the types,
// newest outdoc first.
func (s *Store) OutdocTypeParts(ctx context.Context, types ...string) ([]DocumentPart, error) {
	return s.outdocTypeParts(ctx, "", types)
}

// FailedOutdocTypeParts is OutdocTypeParts of the failed shares only: the
// ones a flow may still book when what stopped them is fixed.
func (s *Store) FailedOutdocTypeParts(ctx context.Context, types ...string) ([]DocumentPart, error) {
	return s.outdocTypeParts(ctx, PartFailed, types)
}

// outdocTypeParts lists the shares of outdocs of the types, of one status
// unless status is "".
func (s *Store) outdocTypeParts(ctx context.Context, status string, types []string) ([]DocumentPart, error) {
	if len(types) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(types)+1)
	for _, t := range types {
		args = append(args, t)
	}
	q := documentPartQuery + ` WHERE o.type IN (?` + strings.Repeat(", ?", len(types)-1) + `)`
	if status != "" {
		q += ` AND p.status = ?`
		args = append(args, status)
	}
	return s.documentParts(ctx, q+` ORDER BY p.outdoc_id DESC, p.key`, args...)
}

func (s *Store) documentParts(ctx context.Context, q string, args ...any) ([]DocumentPart, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DocumentPart
	for rows.Next() {
		var p DocumentPart
		var at string
		if err := rows.Scan(&p.Warehouse, &p.OutdocID, &p.Key, &p.DocType, &p.DocID, &p.Status, &p.Change, &at, &p.OutdocType); err != nil {
			return nil, err
		}
		p.UpdatedAt = parseTime(at)
		out = append(out, p)
	}
	return out, rows.Err()
}
