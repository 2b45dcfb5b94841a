//! Embedded, append-only schema migrations, applied by `PRAGMA user_version`.
//!
//! Never edit or remove a migration that has shipped: review files live for years and
//! travel between laptops running different versions. Add a new one at the end.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

const MIGRATIONS: &[&str] = &[
    // 1: the review, its categories and rubric, experts, nominations, audit log.
    concat!(
        r#"
    CREATE TABLE review (
        singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
        id         TEXT NOT NULL,
        activity   TEXT NOT NULL,
        year       INTEGER NOT NULL,
        title_zh   TEXT NOT NULL,
        title_en   TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE category (
        key               TEXT PRIMARY KEY,
        position          INTEGER NOT NULL,
        name_zh           TEXT NOT NULL,
        name_en           TEXT NOT NULL,
        quota             INTEGER NOT NULL CHECK (quota >= 0),
        quota_approximate INTEGER NOT NULL CHECK (quota_approximate IN (0, 1)),
        scoring_mode      TEXT NOT NULL CHECK (scoring_mode IN ('criteria', 'vote', 'grade'))
    ) STRICT;

    CREATE TABLE criterion (
        category_key TEXT NOT NULL REFERENCES category(key) ON DELETE CASCADE,
        key          TEXT NOT NULL,
        position     INTEGER NOT NULL,
        name_zh      TEXT NOT NULL,
        name_en      TEXT NOT NULL,
        max_points   REAL NOT NULL CHECK (max_points > 0),
        step         REAL NOT NULL CHECK (step > 0),
        guidance_zh  TEXT NOT NULL,
        placeholder  INTEGER NOT NULL CHECK (placeholder IN (0, 1)),
        PRIMARY KEY (category_key, key)
    ) STRICT;

    CREATE TABLE expert (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        institution TEXT NOT NULL,
        title       TEXT NOT NULL,
        UNIQUE (name, institution)
    ) STRICT;

    CREATE TABLE nomination (
        id                INTEGER PRIMARY KEY,
        category_key      TEXT NOT NULL REFERENCES category(key),
        university        TEXT NOT NULL,
        display_name      TEXT NOT NULL,
        fields_json       TEXT NOT NULL,
        extra_fields_json TEXT NOT NULL,
        materials_json    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX nomination_by_category ON nomination (category_key, university);
    "#,
        crate::audit::audit_log_schema!()
    ),
    // 2: where each nomination came from, and the flags the clerk must settle.
    r#"
    ALTER TABLE nomination ADD COLUMN source_file TEXT NOT NULL DEFAULT '';
    ALTER TABLE nomination ADD COLUMN source_row INTEGER NOT NULL DEFAULT 0;
    -- What makes two nominations the same person or unit (see import::eligibility::identity).
    ALTER TABLE nomination ADD COLUMN identity TEXT NOT NULL DEFAULT '';
    CREATE INDEX nomination_by_identity ON nomination (identity);

    CREATE TABLE nomination_flag (
        id            INTEGER PRIMARY KEY,
        nomination_id INTEGER NOT NULL REFERENCES nomination(id) ON DELETE CASCADE,
        kind          TEXT NOT NULL,
        message_zh    TEXT NOT NULL,
        message_en    TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'excluded')),
        note          TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX nomination_flag_by_nomination ON nomination_flag (nomination_id);
    "#,
    // 3: materials travel inside the review file, so a panel package can be built from
    // it alone; and a per-university allowance per category.
    r#"
    CREATE TABLE material_blob (
        sha256  TEXT PRIMARY KEY,
        content BLOB NOT NULL
    ) STRICT;
    CREATE TABLE material (
        id            INTEGER PRIMARY KEY,
        nomination_id INTEGER NOT NULL REFERENCES nomination(id) ON DELETE CASCADE,
        -- As the 材料 column names it, and as the file was found in the package.
        named         TEXT NOT NULL,
        file_name     TEXT NOT NULL,
        bytes         INTEGER NOT NULL,
        sha256        TEXT NOT NULL REFERENCES material_blob(sha256)
    ) STRICT;
    CREATE INDEX material_by_nomination ON material (nomination_id);
    CREATE INDEX material_by_blob ON material (sha256);
    -- How many nominations one university may send in the category; NULL: no limit.
    ALTER TABLE category ADD COLUMN allowance INTEGER;
    "#,
    // 4: the packages built from this review, and what came back from the experts.
    r#"
    CREATE TABLE panel_package (
        hash     TEXT PRIMARY KEY,
        built_at TEXT NOT NULL,
        manifest BLOB NOT NULL
    ) STRICT;
    -- An expert's key, pinned at the first accepted bundle.
    CREATE TABLE expert_key (
        package_hash TEXT NOT NULL REFERENCES panel_package(hash),
        expert_id    INTEGER NOT NULL,
        public_key   TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        first_seen   TEXT NOT NULL,
        PRIMARY KEY (package_hash, expert_id)
    ) STRICT;
    CREATE TABLE received_bundle (
        bundle_hash  TEXT PRIMARY KEY,
        package_hash TEXT NOT NULL REFERENCES panel_package(hash),
        expert_id    INTEGER NOT NULL,
        sequence     INTEGER NOT NULL,
        file         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        received_at  TEXT NOT NULL,
        UNIQUE (package_hash, expert_id, sequence)
    ) STRICT;
    -- The current marks: one row per expert and nomination, from the expert's highest
    -- accepted sequence.
    CREATE TABLE mark (
        package_hash  TEXT NOT NULL,
        expert_id     INTEGER NOT NULL,
        nomination_id INTEGER NOT NULL,
        sequence      INTEGER NOT NULL,
        item_json     TEXT NOT NULL,
        PRIMARY KEY (package_hash, expert_id, nomination_id)
    ) STRICT;
    "#,
    // 5: certificates. The clerk signs a digest of the results each certificate batch was
    // printed from; every certificate keeps its serial across reprints, and its
    // verification code is derived from that signature.
    r#"
    CREATE TABLE results_seal (
        results_hash TEXT PRIMARY KEY,
        public_key   TEXT NOT NULL,
        signature    TEXT NOT NULL,
        sealed_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE certificate (
        serial        TEXT PRIMARY KEY,
        nomination_id INTEGER NOT NULL UNIQUE,
        name          TEXT NOT NULL,
        university    TEXT NOT NULL,
        category      TEXT NOT NULL,
        results_hash  TEXT NOT NULL REFERENCES results_seal(results_hash),
        code          TEXT NOT NULL,
        printed_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE certificate_template (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        json      TEXT NOT NULL
    ) STRICT;
    -- The panel's rulings on results (a tie at the cut, an override); the latest per
    -- nomination is in force.
    CREATE TABLE result_decision (
        id            INTEGER PRIMARY KEY,
        nomination_id INTEGER NOT NULL REFERENCES nomination(id),
        outcome       TEXT NOT NULL CHECK (outcome IN ('in', 'out')),
        reason        TEXT NOT NULL CHECK (length(reason) > 0),
        decided_at    TEXT NOT NULL,
        actor         TEXT NOT NULL
    ) STRICT;
    "#,
    // 6: mid-term and acceptance reviews: which unit of the register of awarded units
    // each nomination is, and the stage it reviews (see follow_up::review).
    r#"
    CREATE TABLE follow_up (
        singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
        stage      TEXT NOT NULL CHECK (stage IN ('mid_term', 'acceptance')),
        as_of      TEXT NOT NULL,
        pass_share REAL NOT NULL CHECK (pass_share > 0 AND pass_share <= 1)
    ) STRICT;
    CREATE TABLE follow_up_unit (
        nomination_id INTEGER PRIMARY KEY REFERENCES nomination(id),
        unit_id       TEXT NOT NULL UNIQUE,
        recheck       INTEGER NOT NULL CHECK (recheck IN (0, 1))
    ) STRICT;
    "#,
    // 7: each category's aggregation rule, set by the clerk before the merge, so the app,
    // the CLI and every printed report compute the same result (see store::category_rules).
    r#"
    CREATE TABLE category_rule (
        category_key     TEXT PRIMARY KEY REFERENCES category(key),
        method           TEXT NOT NULL CHECK (method IN ('mean', 'trimmed_mean', 'median')),
        trim_min_experts INTEGER NOT NULL CHECK (trim_min_experts >= 3),
        normalise        INTEGER NOT NULL CHECK (normalise IN (0, 1)),
        vote_threshold   TEXT NOT NULL CHECK (vote_threshold IN ('more_than_half', 'two_thirds')),
        tie_breakers     TEXT NOT NULL
    ) STRICT;
    "#,
    // 8: an expert's current marks as one row (the items of their newest bundle) instead
    // of a row per nomination: at 60 experts x 3,000 nominations the per-row inserts and
    // reads were most of the merge's time. Counts are kept for the status board.
    r#"
    CREATE TABLE expert_marks (
        package_hash TEXT NOT NULL,
        expert_id    INTEGER NOT NULL,
        sequence     INTEGER NOT NULL,
        items_json   TEXT NOT NULL,
        items        INTEGER NOT NULL,
        recused      INTEGER NOT NULL,
        PRIMARY KEY (package_hash, expert_id)
    ) STRICT;
    INSERT INTO expert_marks (package_hash, expert_id, sequence, items_json, items, recused)
        SELECT package_hash, expert_id, max(sequence), json_group_array(json(item_json)),
               count(*), coalesce(sum(json_extract(item_json, '$.recusal') IS NOT NULL), 0)
        FROM (SELECT * FROM mark ORDER BY package_hash, expert_id, nomination_id)
        GROUP BY package_hash, expert_id;
    DROP TABLE mark;
    "#,
    // 9: trust (see registration.rs and merge::collect). Experts' keys are registered for
    // the review by fingerprint, not trusted at first sight; keys pinned by earlier builds
    // are carried over as `first_seen`, the first expert to show a key keeping it. Every
    // received bundle's exact bytes are kept, so the marks can be re-derived from what
    // the experts signed; a correction that arrives before the bundle it follows waits.
    // Sequences are per key: an expert re-registered on a new laptop starts a new chain,
    // whose first bundle replaces what the revoked key had sent.
    r#"
    CREATE TABLE expert_registration (
        id             INTEGER PRIMARY KEY,
        expert_id      INTEGER NOT NULL REFERENCES expert(id),
        fingerprint    TEXT NOT NULL UNIQUE,
        how            TEXT NOT NULL CHECK (how IN ('typed', 'first_seen')),
        registered_at  TEXT NOT NULL,
        registered_by  TEXT NOT NULL,
        revoked_at     TEXT,
        revoked_by     TEXT,
        revoked_reason TEXT,
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
    ) STRICT;
    CREATE UNIQUE INDEX one_key_in_force_per_expert
        ON expert_registration (expert_id) WHERE revoked_at IS NULL;
    INSERT OR IGNORE INTO expert_registration (expert_id, fingerprint, how, registered_at, registered_by)
        SELECT expert_id, fingerprint, 'first_seen', min(first_seen), 'migration'
        FROM expert_key GROUP BY expert_id, fingerprint ORDER BY min(first_seen);
    CREATE TABLE received_bundle_9 (
        bundle_hash  TEXT PRIMARY KEY,
        package_hash TEXT NOT NULL REFERENCES panel_package(hash),
        expert_id    INTEGER NOT NULL,
        public_key   TEXT NOT NULL,
        sequence     INTEGER NOT NULL,
        file         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        received_at  TEXT NOT NULL,
        -- NULL only for bundles received before version 9 kept them.
        bytes        BLOB,
        UNIQUE (package_hash, expert_id, public_key, sequence)
    ) STRICT;
    INSERT INTO received_bundle_9
        (bundle_hash, package_hash, expert_id, public_key, sequence, file, created_at, received_at)
        SELECT b.bundle_hash, b.package_hash, b.expert_id, coalesce(k.public_key, ''), b.sequence,
               b.file, b.created_at, b.received_at
        FROM received_bundle b
        LEFT JOIN expert_key k ON k.package_hash = b.package_hash AND k.expert_id = b.expert_id
        ORDER BY b.rowid;
    DROP TABLE received_bundle;
    ALTER TABLE received_bundle_9 RENAME TO received_bundle;
    CREATE TABLE waiting_bundle (
        bundle_hash   TEXT PRIMARY KEY,
        package_hash  TEXT NOT NULL REFERENCES panel_package(hash),
        expert_id     INTEGER NOT NULL,
        public_key    TEXT NOT NULL,
        sequence      INTEGER NOT NULL,
        previous_hash TEXT NOT NULL,
        file          TEXT NOT NULL,
        bytes         BLOB NOT NULL,
        received_at   TEXT NOT NULL
    ) STRICT;
    "#,
    // 10: every certificate signed on its own by the clerk (report::serials): its code
    // comes from that signature, so a copy of the review cannot mint a new one.
    r#"
    ALTER TABLE certificate ADD COLUMN signature TEXT;
    "#,
    // 11: the clerk edits the rubric (see rubric.rs): guidance per score band of a
    // criterion, and packages made stale by an edit the clerk confirmed after they went
    // out (their bundles no longer count; package::panels leaves them out).
    r#"
    CREATE TABLE criterion_band (
        category_key  TEXT NOT NULL,
        criterion_key TEXT NOT NULL,
        position      INTEGER NOT NULL,
        label         TEXT NOT NULL,
        from_points   REAL NOT NULL CHECK (from_points >= 0),
        to_points     REAL NOT NULL CHECK (to_points >= from_points),
        PRIMARY KEY (category_key, criterion_key, position),
        FOREIGN KEY (category_key, criterion_key)
            REFERENCES criterion(category_key, key) ON DELETE CASCADE
    ) STRICT;
    ALTER TABLE panel_package ADD COLUMN stale_at TEXT;
    "#,
    // 12: the 公示 as the office publishes it (announcement.rs: wording, period, where
    // objections go, 落款) and the 异议 ledger (objections.rs). An objection's outcome and
    // reason come together or not at all; an upheld one changes the result only through
    // the panel decision written with it.
    r#"
    CREATE TABLE announcement_settings (
        singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
        title_kind  TEXT NOT NULL CHECK (title_kind IN ('recognise', 'name', 'recommend')),
        period_from TEXT NOT NULL,
        period_to   TEXT NOT NULL CHECK (period_to >= period_from),
        telephone   TEXT NOT NULL,
        address     TEXT NOT NULL,
        email       TEXT NOT NULL,
        issuer      TEXT NOT NULL CHECK (issuer <> ''),
        issued_on   TEXT NOT NULL,
        set_at      TEXT NOT NULL,
        set_by      TEXT NOT NULL,
        CHECK (telephone <> '' OR address <> '' OR email <> '')
    ) STRICT;
    CREATE TABLE objection (
        id            INTEGER PRIMARY KEY,
        nomination_id INTEGER NOT NULL REFERENCES nomination(id),
        received_on   TEXT NOT NULL,
        channel       TEXT NOT NULL
                      CHECK (channel IN ('telephone', 'letter', 'email', 'in_person')),
        objector      TEXT NOT NULL,
        summary       TEXT NOT NULL CHECK (summary <> ''),
        recorded_at   TEXT NOT NULL,
        recorded_by   TEXT NOT NULL,
        handling      TEXT NOT NULL DEFAULT '',
        outcome       TEXT CHECK (outcome IN ('upheld', 'dismissed')),
        reason        TEXT,
        resolved_at   TEXT,
        resolved_by   TEXT,
        CHECK ((outcome IS NULL) = (reason IS NULL)),
        CHECK ((outcome IS NULL) = (resolved_at IS NULL))
    ) STRICT;
    CREATE INDEX objection_by_nomination ON objection (nomination_id);
    "#,
    // 13: corrections of a nomination's fields after import (corrections.rs), each with
    // its reason, so every document can show an entry as corrected and what it was.
    r#"
    CREATE TABLE nomination_correction (
        id            INTEGER PRIMARY KEY,
        nomination_id INTEGER NOT NULL REFERENCES nomination(id) ON DELETE CASCADE,
        field_key     TEXT NOT NULL,
        old_value     TEXT NOT NULL,
        new_value     TEXT NOT NULL,
        reason        TEXT NOT NULL CHECK (reason <> ''),
        corrected_at  TEXT NOT NULL,
        corrected_by  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX nomination_correction_by_nomination ON nomination_correction (nomination_id);
    "#,
    // 14: a vote category's quorum (store::category_rules): the fewest experts present for a vote
    // to pass; 0 for rules that need none, which is every rule stored before.
    r#"
    ALTER TABLE category_rule ADD COLUMN quorum INTEGER NOT NULL DEFAULT 0
        CHECK (quorum BETWEEN 0 AND 1000);
    "#,
    // 15: the panel's meeting (merge::meeting): ballots on the nominations around the
    // cut, each counted once; a decision a ballot made names it, so a 会评 vote may turn
    // a failed first-stage vote where a plain decision may not.
    r#"
    CREATE TABLE meeting_ballot (
        id           INTEGER PRIMARY KEY,
        category_key TEXT NOT NULL,
        kind_json    TEXT NOT NULL,
        places       INTEGER NOT NULL CHECK (places > 0),
        threshold    TEXT NOT NULL,
        entries_json TEXT NOT NULL,
        opened_at    TEXT NOT NULL,
        opened_by    TEXT NOT NULL,
        counted_json TEXT
    ) STRICT;
    ALTER TABLE result_decision ADD COLUMN ballot_id INTEGER REFERENCES meeting_ballot(id);
    "#,
    // 16: a criterion's weight (model::Criterion): its points count weight times in a
    // total; 1 for every criterion before.
    r#"
    ALTER TABLE criterion ADD COLUMN weight REAL NOT NULL DEFAULT 1
        CHECK (weight > 0 AND weight <= 10);
    "#,
    // 17: the paper fallback (paper.rs): an expert's printed 评分表 keyed in twice by two
    // staff. `paper_entry` holds each keyer's entry until two agree; `paper_marks` the
    // agreed marks with both entries (so they can be re-derived), counted as 代录 while no
    // bundle from the expert counts for that package (a signed bundle wins).
    r#"
    CREATE TABLE paper_entry (
        package_hash TEXT NOT NULL REFERENCES panel_package(hash),
        expert_id    INTEGER NOT NULL REFERENCES expert(id),
        sheet_id     TEXT NOT NULL,
        keyed_by     TEXT NOT NULL CHECK (keyed_by <> ''),
        position     INTEGER NOT NULL CHECK (position IN (1, 2)),
        items_json   TEXT NOT NULL,
        keyed_at     TEXT NOT NULL,
        PRIMARY KEY (package_hash, expert_id, position),
        UNIQUE (package_hash, expert_id, keyed_by)
    ) STRICT;
    CREATE TABLE paper_marks (
        package_hash TEXT NOT NULL REFERENCES panel_package(hash),
        expert_id    INTEGER NOT NULL REFERENCES expert(id),
        sheet_id     TEXT NOT NULL,
        first_by     TEXT NOT NULL,
        second_by    TEXT NOT NULL CHECK (second_by <> first_by),
        first_json   TEXT NOT NULL,
        second_json  TEXT NOT NULL,
        items_json   TEXT NOT NULL,
        items        INTEGER NOT NULL,
        recused      INTEGER NOT NULL,
        recorded_at  TEXT NOT NULL,
        recorded_by  TEXT NOT NULL,
        PRIMARY KEY (package_hash, expert_id)
    ) STRICT;
    "#,
    // 18: a show-of-hands tally the panel chair confirms with their key (merge::tally_file).
    // A ballot opened with a chair is counted only from a tally file the chair signed;
    // `tally_sha256` is the tally the clerk last wrote for the chair (what a signature
    // must cover), `signed_tally` the signed file's bytes once counted, kept as evidence.
    r#"
    ALTER TABLE meeting_ballot ADD COLUMN chair_expert_id INTEGER REFERENCES expert(id);
    ALTER TABLE meeting_ballot ADD COLUMN tally_sha256 TEXT;
    ALTER TABLE meeting_ballot ADD COLUMN signed_tally BLOB;
    "#,
    // 19: a grade category's own grade list (model::GradeList), best first. A category
    // with no rows has the default list (优秀/良好/合格/不合格, keys excellent … fail), so
    // every file before keeps its meaning.
    r#"
    CREATE TABLE grade_level (
        category_key TEXT NOT NULL REFERENCES category(key) ON DELETE CASCADE,
        position     INTEGER NOT NULL CHECK (position >= 0),
        key          TEXT NOT NULL CHECK (key <> ''),
        name_zh      TEXT NOT NULL CHECK (name_zh <> ''),
        name_en      TEXT NOT NULL,
        passes       INTEGER NOT NULL CHECK (passes IN (0, 1)),
        PRIMARY KEY (category_key, position),
        UNIQUE (category_key, key)
    ) STRICT;
    "#,
    // 20: a 会评 ballot voted on the experts' own laptops (merge::ballot_paper,
    // merge::ballot_vote). `voting` is 'room' for every ballot before; a laptop ballot fixes
    // its voters when opened (`voters_json`, the experts with a key in force then) and
    // records the SHA-256 of the ballot paper's `ballot.json` the clerk wrote
    // (`paper_sha256`). `meeting_vote` keeps each expert's signed vote as received, once.
    r#"
    ALTER TABLE meeting_ballot ADD COLUMN voting TEXT NOT NULL DEFAULT 'room'
        CHECK (voting IN ('room', 'laptops'));
    ALTER TABLE meeting_ballot ADD COLUMN voters_json TEXT;
    ALTER TABLE meeting_ballot ADD COLUMN paper_sha256 TEXT;
    CREATE TABLE meeting_vote (
        ballot_id   INTEGER NOT NULL REFERENCES meeting_ballot(id),
        expert_id   INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        vote_sha256 TEXT NOT NULL,
        file        BLOB NOT NULL,
        received_at TEXT NOT NULL,
        received_by TEXT NOT NULL,
        PRIMARY KEY (ballot_id, expert_id)
    ) STRICT;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn apply(conn: &mut Connection, path: &Path) -> Result<()> {
    apply_list(conn, path, MIGRATIONS)
}

/// Brings a file up to `migrations.len()`; also serves the register file, which has its
/// own list (`follow_up::awarded_units`).
pub(crate) fn apply_list(conn: &mut Connection, path: &Path, migrations: &[&str]) -> Result<()> {
    let known = migrations.len() as i64;
    // Exclusive: two windows opening the same old file must not both migrate it.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > known {
        return Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found: current,
            known,
        });
    }
    for (index, sql) in migrations.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
