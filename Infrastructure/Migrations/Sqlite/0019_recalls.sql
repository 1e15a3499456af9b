-- Recalls that always land (README, "Recalls"). A recall is a row of its own: who issued it, why, how far it has
-- reached, and its withdrawal. The batches it covers are rows of recall_batches, found and marked a bounded chunk at a
-- time, each chunk in its own transaction, so that a recall reaching 10,000 batches never holds the write lock for
-- long and a process that dies half-way leaves work that the next one resumes. batches.recalled_at stays what the rest
-- of the API reads: whether any recall that has not been withdrawn covers the batch.
CREATE TABLE recalls (
    seq                      INTEGER PRIMARY KEY,
    id                       BLOB    NOT NULL UNIQUE,
    batch_id                 BLOB    NOT NULL REFERENCES batches (id),
    reason                   TEXT    NOT NULL,
    issuer_role              TEXT    NOT NULL,      -- producer, authority; legacy: recalled before this table, issuer unknown
    issuer_id                BLOB    NULL,
    issuer_name              TEXT    NOT NULL,
    issuer_level             TEXT    NULL,
    recalled_at              TEXT    NOT NULL,
    affected_count           INTEGER NOT NULL,      -- batches found so far, the recalled one included
    newly_recalled_count     INTEGER NOT NULL,      -- of those, batches this recall marked (the rest were recalled already)
    completed_at             TEXT    NULL,          -- every batch made from it found and marked
    withdrawn_at             TEXT    NULL,
    withdrawn_by             BLOB    NULL,
    withdrawn_by_name        TEXT    NULL,
    withdrawal_reason        TEXT    NULL,
    released_count           INTEGER NOT NULL DEFAULT 0,  -- batches the withdrawal un-marked (no other recall covers them)
    withdrawal_completed_at  TEXT    NULL,
    pending                  INTEGER NOT NULL DEFAULT 1   -- 1 while marking or releasing remains: what the worker looks for
);
CREATE INDEX ix_recalls_batch ON recalls (batch_id, seq);
CREATE INDEX ix_recalls_pending ON recalls (pending, seq);

-- state: 0 found, to be marked; 1 marked, its children found; 2 released by the recall's withdrawal; 3 never marked
-- (withdrawn first). depth: steps from the recalled batch, the nearest one (the walk goes a depth at a time).
CREATE TABLE recall_batches (
    recall_seq  INTEGER NOT NULL,
    batch_seq   INTEGER NOT NULL,
    depth       INTEGER NOT NULL,
    state       INTEGER NOT NULL,
    PRIMARY KEY (recall_seq, batch_seq)
) WITHOUT ROWID;
CREATE INDEX ix_recall_batches_work ON recall_batches (recall_seq, state, depth, batch_seq);
CREATE INDEX ix_recall_batches_batch ON recall_batches (batch_seq, recall_seq);

-- Batches recalled before this table: one finished recall each, of the batch alone, so that withdrawing a later recall
-- never releases a batch that an earlier one still covers. Only a national authority may withdraw them (issuer unknown).
INSERT INTO recalls (id, batch_id, reason, issuer_role, issuer_id, issuer_name, issuer_level, recalled_at, affected_count,
                     newly_recalled_count, completed_at, pending)
    SELECT randomblob(16), id, coalesce(recall_reason, ''), 'legacy', NULL, '', NULL, recalled_at, 1, 1, recalled_at, 0
    FROM batches WHERE recalled_at IS NOT NULL;
INSERT INTO recall_batches (recall_seq, batch_seq, depth, state)
    SELECT r.seq, b.seq, 0, 1 FROM recalls r JOIN batches b ON b.id = r.batch_id;

-- Per-account counts by Vietnam day, for daily quotas (batches registered).
CREATE TABLE account_counters (
    account_id  BLOB    NOT NULL,
    counter     TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (account_id, counter, day)
) WITHOUT ROWID;
