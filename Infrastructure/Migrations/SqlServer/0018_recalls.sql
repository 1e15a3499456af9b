-- Recalls that always land (see the SQLite migration 0019_recalls.sql).
CREATE TABLE recalls (
    seq                      bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_recalls PRIMARY KEY CLUSTERED,
    id                       uniqueidentifier NOT NULL CONSTRAINT ux_recalls_id UNIQUE,
    batch_id                 uniqueidentifier NOT NULL CONSTRAINT fk_recalls_batch REFERENCES batches (id),
    reason                   nvarchar(1000) NOT NULL,
    issuer_role              nvarchar(20)   NOT NULL,
    issuer_id                uniqueidentifier NULL,
    issuer_name              nvarchar(200)  NOT NULL,
    issuer_level             nvarchar(20)   NULL,
    recalled_at              datetimeoffset(7) NOT NULL,
    affected_count           bigint NOT NULL,
    newly_recalled_count     bigint NOT NULL,
    completed_at             datetimeoffset(7) NULL,
    withdrawn_at             datetimeoffset(7) NULL,
    withdrawn_by             uniqueidentifier NULL,
    withdrawn_by_name        nvarchar(200)  NULL,
    withdrawal_reason        nvarchar(1000) NULL,
    released_count           bigint NOT NULL CONSTRAINT df_recalls_released DEFAULT 0,
    withdrawal_completed_at  datetimeoffset(7) NULL,
    pending                  int NOT NULL CONSTRAINT df_recalls_pending DEFAULT 1
);
CREATE INDEX ix_recalls_batch ON recalls (batch_id, seq);
CREATE INDEX ix_recalls_pending ON recalls (pending, seq);

CREATE TABLE recall_batches (
    recall_seq  bigint NOT NULL,
    batch_seq   bigint NOT NULL,
    depth       int    NOT NULL,
    state       int    NOT NULL,
    CONSTRAINT pk_recall_batches PRIMARY KEY CLUSTERED (recall_seq, batch_seq)
);
CREATE INDEX ix_recall_batches_work ON recall_batches (recall_seq, state, depth, batch_seq);
CREATE INDEX ix_recall_batches_batch ON recall_batches (batch_seq, recall_seq);

INSERT INTO recalls (id, batch_id, reason, issuer_role, issuer_id, issuer_name, issuer_level, recalled_at, affected_count,
                     newly_recalled_count, completed_at, pending)
    SELECT NEWID(), id, coalesce(recall_reason, N''), N'legacy', NULL, N'', NULL, recalled_at, 1, 1, recalled_at, 0
    FROM batches WHERE recalled_at IS NOT NULL;
INSERT INTO recall_batches (recall_seq, batch_seq, depth, state)
    SELECT r.seq, b.seq, 0, 1 FROM recalls r JOIN batches b ON b.id = r.batch_id;

CREATE TABLE account_counters (
    account_id  uniqueidentifier NOT NULL,
    counter     nvarchar(40) NOT NULL,
    day         date NOT NULL,
    count       bigint NOT NULL,
    CONSTRAINT pk_account_counters PRIMARY KEY CLUSTERED (account_id, counter, day)
);
