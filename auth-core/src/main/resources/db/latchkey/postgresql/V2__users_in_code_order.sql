-- Listing users pages through them in code order (COLLATE "C", byte order: the order of
-- String.compareTo for our ASCII ids, the same on every store), whatever the database's own
-- collation. The primary key's index is in that collation, which for en_US and the like is
-- another order, so the pages need an index of their own. H2 compares strings in code order
-- already, so its primary key serves and it has no V2.
CREATE INDEX latchkey_users_code_order ON latchkey_users (id COLLATE "C");
