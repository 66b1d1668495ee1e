/**
 * A shard's data watermark, and whether an answer computed now may be cached under it.
 *
 * The watermark is `last_value` of rollup_outbox_id_seq: every writer transaction that adds raw
 * rows inserts outbox rows, so it moves the sequence. Plus the number of raw partitions, so that
 * dropping a day (retention) also changes it.
 *
 * The sequence alone is not enough: sequences are not transactional. The writer takes its outbox id
 * (nextval) just before COMMIT; in between, the sequence already shows the new value while no query
 * can see the new rows yet. An answer computed then and cached under the new value would be served
 * after the COMMIT without those rows, and the sequence does not move at COMMIT to fix it
 * (query-api-cache.e2e-spec.ts holds a writer-like transaction open in exactly that gap).
 *
 * So a second statement asks whether any session other than a summarizer holds the
 * RowExclusiveLock on rollup_outbox. A writer takes that lock with its INSERT, before nextval, and
 * keeps it until after COMMIT. Read in this order (sequence first, locks second), "no holder"
 * means every transaction that took an id up to `last_value` has ended, so any answer computed
 * after it includes all of their rows; when a holder exists the answer is not stored ("busy").
 * Summarizers are ignored: they take the same lock to delete outbox rows, but they only move data
 * between rollups and the outbox, which never changes an answer. An unknown application name
 * counts as a writer, which only costs a cache store.
 *
 * Two named (prepared once per connection) statements, run one after the other: planning the
 * catalog views costs more than running them.
 */
export const WATERMARK_SQL = {
  name: 'pa-query-watermark',
  text: `SELECT last_value::text || CASE WHEN is_called THEN '' ELSE '-' END
           || '/' || (SELECT count(*) FROM pg_inherits WHERE inhparent = 'process_samples'::regclass) AS watermark
         FROM rollup_outbox_id_seq`,
  values: [],
};

export const WRITER_BUSY_SQL = {
  name: 'pa-query-writer-busy',
  text: `SELECT EXISTS (
           SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'relation' AND l.relation = 'rollup_outbox'::regclass
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
             AND (SELECT application_name FROM pg_stat_get_activity(l.pid)) IS DISTINCT FROM 'pa-summarizer'
         ) AS busy`,
  values: [],
};

export interface ShardWatermark {
  watermark: string;
  /** a writer transaction is between taking outbox ids and COMMIT: do not store answers now */
  isBusy: boolean;
}
