import { Client, Pool } from 'pg';
import { bootstrapCatalog, migrateCatalog } from '@pa/catalog';
import { defaultMigrationsDir, migrateShard, readGrants, readMigrations } from '@pa/pg-shards';
import { registerBenchKey } from './bench-key';

const KEYS_DATABASE = 'bench_keys';

/**
 * A fresh database per measurement on every shard node, built by our migrations (the same runner as
 * `npm run migrate`), so that no load sees the tables, indexes or dead tuples another one left.
 */
export class BenchDatabases {
  private readonly migrations = readMigrations(defaultMigrationsDir());
  private readonly grants = readGrants(defaultMigrationsDir());

  constructor(
    private readonly nodes: string[],
    /** the API key server secret, to register the bench key in each catalog */
    private readonly apiKeySecretFile: string,
  ) {}

  private keysCatalog?: Promise<string>;

  /**
   * A catalog holding the bench key, for apps that only check keys (the gateway): made once per run
   * (database set `bench_keys`), so items without databases of their own start guarded apps too.
   */
  keysCatalogUrl(): Promise<string> {
    this.keysCatalog ??= this.create(KEYS_DATABASE).then(() => this.catalogUrl(KEYS_DATABASE));
    return this.keysCatalog;
  }

  /** URL of database `name` on each node. */
  urls(name: string): string[] {
    return this.nodes.map((node) => withDatabase(node, name));
  }

  /** The catalog of database set `name`: `<name>_catalog` on the first node. */
  catalogUrl(name: string): string {
    return benchCatalogUrl(this.urls(name));
  }

  /**
   * Drops any leftover `name`, creates it on every node and applies the migrations, and a catalog
   * for them (nodes in order, buckets split evenly); returns the URLs.
   */
  async create(name: string): Promise<string[]> {
    await this.onEveryNode(async (admin, i) => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      if (i > 0) return;
      await admin.query(`DROP DATABASE IF EXISTS ${name}_catalog WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}_catalog`);
    });
    const urls = this.urls(name);
    await Promise.all(
      urls.map(async (url) => {
        const pool = new Pool({ connectionString: url, max: 1, options: '-c TimeZone=UTC' });
        pool.on('error', () => undefined);
        try {
          await migrateShard(pool, this.migrations, this.grants);
        } finally {
          await pool.end();
        }
      }),
    );
    await this.createCatalog(name, urls);
    return urls;
  }

  /**
   * Database set `to` as a copy of `from` on every node (CREATE DATABASE … TEMPLATE: no session may
   * be connected to `from` meanwhile), with a catalog of its own for the copies; returns their URLs.
   * Item 10 keeps its day as heap in the copy while it seals the original, to time both side by side.
   */
  async copy(from: string, to: string): Promise<string[]> {
    await this.onEveryNode(async (admin, i) => {
      await admin.query(`DROP DATABASE IF EXISTS ${to} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${to} TEMPLATE ${from}`);
      if (i > 0) return;
      await admin.query(`DROP DATABASE IF EXISTS ${to}_catalog WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${to}_catalog`);
    });
    const urls = this.urls(to);
    await this.createCatalog(to, urls);
    return urls;
  }

  /** The catalog of database set `name` over `urls` (nodes in order, buckets split evenly), with the bench key. */
  private async createCatalog(name: string, urls: string[]): Promise<void> {
    const catalog = new Pool({ connectionString: this.catalogUrl(name), max: 1 });
    catalog.on('error', () => undefined);
    try {
      await migrateCatalog(catalog);
      await bootstrapCatalog(catalog, urls);
      await registerBenchKey(catalog, this.apiKeySecretFile);
    } finally {
      await catalog.end();
    }
  }

  async drop(name: string): Promise<void> {
    await this.onEveryNode(async (admin, i) => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      if (i === 0) await admin.query(`DROP DATABASE IF EXISTS ${name}_catalog WITH (FORCE)`);
    });
  }

  /**
   * Flushes dirty pages of the previous load now, so that the next measurement does not pay for
   * its predecessor's checkpoint.
   */
  async checkpoint(): Promise<void> {
    await this.onEveryNode((admin) => admin.query('CHECKPOINT'));
  }

  /** Runs `sql` in database `name` on every node; returns each node's rows. */
  async queryEach<R extends Record<string, unknown>>(name: string, sql: string, params: unknown[] = []): Promise<R[][]> {
    return Promise.all(
      this.urls(name).map(async (url) => {
        const client = new Client({ connectionString: url, options: '-c TimeZone=UTC' });
        await client.connect();
        try {
          return (await client.query<R>(sql, params)).rows;
        } finally {
          await client.end();
        }
      }),
    );
  }

  /** Process rows stored in database `name`, over all nodes. */
  async countSamples(name: string): Promise<number> {
    const counts = await this.queryEach<{ n: string }>(name, 'SELECT count(*) AS n FROM process_samples');
    return counts.reduce((sum, rows) => sum + Number(rows[0].n), 0);
  }

  private async onEveryNode(run: (admin: Client, node: number) => Promise<unknown>): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node, i) => {
        const admin = new Client({ connectionString: node });
        await admin.connect();
        try {
          await run(admin, i);
        } finally {
          await admin.end();
        }
      }),
    );
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The catalog BenchDatabases made for the database set whose URLs are `urls` (`<name>_catalog` on the first node). */
export function benchCatalogUrl(urls: string[]): string {
  const u = new URL(urls[0]);
  u.pathname = `${u.pathname}_catalog`;
  return u.toString();
}
