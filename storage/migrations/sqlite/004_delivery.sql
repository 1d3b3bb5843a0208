-- Deliveries (CDEK): the order number skladflow gave, the carrier's order
-- id and tracking number, and the last carrier status applied with its time,
-- so an older status never overwrites a newer one.
ALTER TABLE documents ADD COLUMN order_number TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN order_uuid TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN track_number TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN carrier_status TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN carrier_status_at TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_order_uuid ON documents (order_uuid) WHERE order_uuid != '';
