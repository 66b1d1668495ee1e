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
 * So a second read asks whether any session other than a summarizer holds the
 * RowExclusiveLock on rollup_outbox. A writer takes that lock with its INSERT, before nextval, and
 * keeps it until after COMMIT. Read in this order (sequence first, locks second), "no holder"
 * means every transaction that took an id up to `last_value` has ended, so any answer computed
 * after it includes all of their rows; when a holder exists the answer is not stored ("busy").
 * Summarizers are ignored: they take the same lock to delete outbox rows, but they only move data
 * between rollups and the outbox, which never changes an answer. An unknown application name
 * counts as a writer, which only costs a cache store.
 *
 * Both reads run in that order inside pa_cache_watermark() (migration 008): one round trip per
 * shard, a named statement prepared once per connection.
 */
export const WATERMARK_SQL = {
  name: 'pa-query-watermark',
  text: 'SELECT watermark, is_busy FROM pa_cache_watermark()',
  values: [],
};

export interface ShardWatermark {
  watermark: string;
  /** a writer transaction is between taking outbox ids and COMMIT: do not store answers now */
  isBusy: boolean;
}
