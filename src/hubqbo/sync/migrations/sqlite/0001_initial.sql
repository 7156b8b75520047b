-- hubqbo state store, schema 1 (SQLite). Times are ISO 8601 UTC text of fixed width
-- (YYYY-MM-DDTHH:MM:SS.ffffff+00:00), so text order is time order.
-- No foreign keys to hubqbo_tenants: every write path checks its tenant first (a lease needs
-- a registered tenant; tenants are never deleted), and the per-row checks cost about a sixth
-- of PostgreSQL's CPU per batch. The journal has no index on source_id (a rare filter).

CREATE TABLE hubqbo_tenants (
    name              TEXT PRIMARY KEY,
    hubspot_portal_id TEXT,
    qbo_realm_id      TEXT,
    created_at        TEXT NOT NULL
);

-- A rowid table: both keys are then indexes alike, and a lookup by HubSpot ids uses its own
-- (WITHOUT ROWID made the planner scan the primary key's (tenant, kind) prefix instead).
CREATE TABLE hubqbo_links (
    tenant             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    qbo_id             TEXT NOT NULL,
    hubspot_id         TEXT NOT NULL,
    qbo_sync_token     TEXT,
    hubspot_updated_at TEXT,
    base               TEXT,
    base_hash          TEXT,
    updated_at         TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, qbo_id),
    UNIQUE (tenant, kind, hubspot_id)
);

CREATE TABLE hubqbo_cursors (
    tenant     TEXT NOT NULL,
    stream     TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant, stream)
) WITHOUT ROWID;

CREATE TABLE hubqbo_journal (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant         TEXT NOT NULL,
    op_id          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    source_id      TEXT NOT NULL,
    source_version TEXT NOT NULL,
    action         TEXT NOT NULL,
    target         TEXT NOT NULL,
    payload        TEXT,
    state          TEXT NOT NULL
        CHECK (state IN ('planned', 'in_flight', 'applied', 'failed', 'skipped')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    remote_id      TEXT,
    error          TEXT,
    run_id         TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (tenant, op_id)
);
CREATE INDEX hubqbo_journal_state ON hubqbo_journal (tenant, state, seq);

CREATE TABLE hubqbo_dirty (
    tenant     TEXT NOT NULL,
    side       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    events     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant, side, kind, record_id)
) WITHOUT ROWID;

CREATE TABLE hubqbo_leases (
    tenant      TEXT PRIMARY KEY,
    holder      TEXT,               -- NULL once released
    epoch       INTEGER NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE TABLE hubqbo_runs (
    run_id     TEXT PRIMARY KEY,
    tenant     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    holder     TEXT NOT NULL,
    epoch      INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'succeeded', 'failed', 'abandoned')),
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    counts     TEXT NOT NULL DEFAULT '{}',
    error      TEXT
);
-- At most one open run per tenant, enforced by the database itself.
CREATE UNIQUE INDEX hubqbo_runs_one_open ON hubqbo_runs (tenant) WHERE status = 'open';
CREATE INDEX hubqbo_runs_tenant ON hubqbo_runs (tenant, started_at);

CREATE TABLE hubqbo_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant       TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    delivered_at TEXT,
    UNIQUE (tenant, event_id)
);
CREATE INDEX hubqbo_outbox_pending ON hubqbo_outbox (tenant, seq) WHERE delivered_at IS NULL;

CREATE TABLE hubqbo_conflicts (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant        TEXT NOT NULL,
    conflict_id   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    qbo_id        TEXT NOT NULL,
    hubspot_id    TEXT NOT NULL,
    field         TEXT NOT NULL,
    base          TEXT,
    qbo_value     TEXT,
    hubspot_value TEXT,
    detected_at   TEXT NOT NULL,
    resolved_at   TEXT,
    resolution    TEXT,
    UNIQUE (tenant, conflict_id)
);

CREATE TABLE hubqbo_mapping_sets (
    tenant         TEXT NOT NULL,
    hubspot_object TEXT NOT NULL,
    qbo_object     TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version > 0),
    content        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (tenant, hubspot_object, qbo_object, version)
) WITHOUT ROWID;

CREATE TABLE hubqbo_mapping_status (
    tenant          TEXT NOT NULL,
    hubspot_object  TEXT NOT NULL,
    qbo_object      TEXT NOT NULL,
    version         INTEGER NOT NULL,
    mapping         TEXT NOT NULL,
    written         INTEGER NOT NULL DEFAULT 0,
    refused         INTEGER NOT NULL DEFAULT 0,
    last_refusal    TEXT,
    last_refusal_at TEXT,
    last_success_at TEXT,
    PRIMARY KEY (tenant, hubspot_object, qbo_object, version, mapping)
) WITHOUT ROWID;
