import { Client, Pool } from 'pg';
import { ApiKeyRecord } from './api-key.record';
import { readApiKeys } from './api-key.repository';

export interface KeyStoreOptions {
  catalogUrl: string;
  /** how often the keys are re-read besides LISTEN, ms: the bound on a lost notification (keep it under 5 s) */
  pollMs: number;
  log: (message: string) => void;
}

/**
 * The catalog's API keys in memory, followed like the shard map (ShardTopology in libs/catalog):
 * LISTEN pa_api_keys (a trigger on api_keys notifies on every change but last_used_at) reloads
 * within milliseconds, a poll every `pollMs` covers a lost notification or a dropped listener.
 * Lookups never touch the database.
 */
export class KeyStore {
  private keys = new Map<string, ApiKeyRecord>();
  private listener: Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;
  private again: Promise<void> | undefined;
  private isClosed = false;

  private constructor(
    private readonly options: KeyStoreOptions,
    /** the catalog pool, shared with the audit log and usage writes */
    readonly catalog: Pool,
  ) {}

  /** Loads the keys and starts following them. Throws when the catalog cannot be read. */
  static async open(options: KeyStoreOptions): Promise<KeyStore> {
    const catalog = new Pool({ connectionString: options.catalogUrl, max: 2, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    catalog.on('error', (error) => options.log(`catalog connection lost: ${error.message}`));
    const store = new KeyStore(options, catalog);
    try {
      await store.reload();
    } catch (error) {
      await catalog.end().catch(() => undefined);
      throw new Error(`the API keys cannot be read from the catalog (run \`npm run migrate\` first?): ${(error as Error).message}`, { cause: error });
    }
    store.follow();
    return store;
  }

  lookup(keyId: string): ApiKeyRecord | undefined {
    return this.keys.get(keyId);
  }

  get size(): number {
    return this.keys.size;
  }

  /**
   * Reads the keys now, one read at a time. A call during a read gets one more read after it: the
   * read under way may have begun before the change that the caller was notified of.
   */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again ??= this.reloading.catch(() => undefined).then(() => {
        this.again = undefined;
        return this.reload();
      });
      return this.again;
    }
    this.reloading = readApiKeys(this.catalog)
      .then((records) => void (this.keys = new Map(records.map((r) => [r.keyId, r]))))
      .finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearInterval(this.pollTimer);
    await this.listener?.end().catch(() => undefined);
    await this.catalog.end();
  }

  private follow(): void {
    this.pollTimer = setInterval(() => void this.reload().catch((e: Error) => this.options.log(`API keys poll failed: ${e.message}`)), this.options.pollMs);
    this.pollTimer.unref();
    void this.listen().catch((e: Error) => {
      this.options.log(`API keys LISTEN failed (polling every ${this.options.pollMs} ms meanwhile): ${e.message}`);
      this.listenLater();
    });
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.catalogUrl, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    client.on('notification', () => void this.reload().catch((e: Error) => this.options.log(`API keys read failed: ${e.message}`)));
    client.once('end', () => this.listenLater());
    this.listener = client;
    await client.connect();
    await client.query('LISTEN pa_api_keys');
  }

  private listenLater(): void {
    if (this.isClosed) return;
    const retry = setTimeout(() => void this.listen().catch(() => this.listenLater()), this.options.pollMs);
    retry.unref();
  }
}
