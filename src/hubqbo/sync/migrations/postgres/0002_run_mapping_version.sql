-- hubqbo state store, schema 2: the mapping sets a run used, recorded on its row.
-- ``kind:vN:digest`` per mapped object, space-separated (e.g. ``contacts:v3:1a2b3c4d5e6f``);
-- NULL for runs recorded before this column existed.
ALTER TABLE hubqbo_runs ADD COLUMN mapping_version TEXT;
