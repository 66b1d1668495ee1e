import { AuditEvent, insertAuditEvents } from './audit.repository';

export interface AuditLogOptions {
  /** where rows go (the catalog) */
  insert: (events: readonly AuditEvent[]) => Promise<void>;
  /** one JSON line per event, at once */
  logLine: (line: string) => void;
  /** told when a write fails or events are dropped */
  warn: (message: string) => void;
  /** most events waiting for the catalog; more are dropped (and counted), never awaited */
  maxQueued?: number;
  /** how often the queue is written, ms */
  flushMs?: number;
}

/**
 * Refused requests and key changes, as JSON log lines at once and as catalog rows shortly after.
 * `record` never blocks or throws: the queue is bounded, written in the background, and a failed
 * write is logged and dropped (the log line already holds the event).
 */
export class AuditLog {
  private queue: AuditEvent[] = [];
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: AuditLogOptions) {
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1_000);
    this.timer.unref();
  }

  static forCatalog(db: Parameters<typeof insertAuditEvents>[0], options: Omit<AuditLogOptions, 'insert'>): AuditLog {
    return new AuditLog({ ...options, insert: (events) => insertAuditEvents(db, events) });
  }

  record(event: AuditEvent): void {
    this.options.logLine(JSON.stringify({ audit: event.event, at: new Date(event.atMs).toISOString(), key_id: event.keyId, address: event.address, route: event.route, reason: event.reason }));
    if (this.queue.length >= (this.options.maxQueued ?? 10_000)) {
      this.dropped++;
      return;
    }
    this.queue.push(event);
  }

  /** Writes what is queued (one write at a time). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.dropped > 0) {
      this.options.warn(`audit: ${this.dropped} events not written to the catalog (queue full); they are in the log`);
      this.dropped = 0;
    }
    const events = this.queue;
    if (events.length === 0) return;
    this.queue = [];
    await this.options.insert(events).catch((error: Error) => this.options.warn(`audit: ${events.length} events not written to the catalog: ${error.message}`));
  }
}
