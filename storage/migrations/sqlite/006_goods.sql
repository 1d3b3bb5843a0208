-- The warehouse's catalogue as skladflow registered it: which good_id each
-- MoySklad assortment item (product or variant) has at each warehouse. The
-- good_id is fixed at first registration (FBox never renames nor frees
-- one), so an edited article keeps the old good_id; sku is what the item
-- was last seen under, card_hash the last card sent, so only changed cards
-- are registered again.
CREATE TABLE goods (
    warehouse       TEXT NOT NULL,
    assortment_type TEXT NOT NULL,
    assortment_id   TEXT NOT NULL,
    parent_id       TEXT NOT NULL DEFAULT '', -- a variant's product
    good_id         TEXT NOT NULL,
    sku             TEXT NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    card_hash       TEXT NOT NULL DEFAULT '',
    registered_at   TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (warehouse, assortment_type, assortment_id),
    UNIQUE (warehouse, good_id)
);
CREATE INDEX goods_parent ON goods (warehouse, parent_id) WHERE parent_id != '';
