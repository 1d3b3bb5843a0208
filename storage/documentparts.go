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
	if len(types) == 0 {
		return nil, nil
	}
	args := make([]any, len(types))
	for i, t := range types {
		args[i] = t
	}
	q := documentPartQuery + ` WHERE o.type IN (?` + strings.Repeat(", ?", len(types)-1) + `) ORDER BY p.outdoc_id DESC, p.key`
	return s.documentParts(ctx, q, args...)
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
