import { randomBytes } from 'node:crypto';
import { Prng } from './prng.util';

/** One command line with planted secrets: what a collector sends, what must be stored, the secrets. */
export interface SecretCommandLine {
  /** as sampled, secrets included */
  raw: string;
  /** as it must be stored and served: each secret replaced by `********`, the rest unchanged */
  scrubbed: string;
  /** the planted secrets, each unique to this run */
  markers: string[];
}

/** The words the e2e suite adds with SCRUB_EXTRA_WORDS (the corpus uses them, so it needs them). */
export const CORPUS_EXTRA_WORDS = ['requirepass', '*pin*'];

const S = '********';
type Vary = { user: string; host: string; db: string; port: number; n: number };
type Template = (m: () => string, v: Vary) => [raw: string, scrubbed: string];

// Realistic command lines; `m()` plants a new secret each time it is called.
const TEMPLATES: readonly Template[] = [
  (m, v) => [`mysql -u${v.user} -p${m()} -h ${v.host} ${v.db}`, `mysql -u${v.user} -p${S} -h ${v.host} ${v.db}`],
  (m, v) => [`mysql -h ${v.host} -P 3306 -u ${v.user} -p${m()} -e "SHOW DATABASES"`, `mysql -h ${v.host} -P 3306 -u ${v.user} -p${S} -e "SHOW DATABASES"`],
  (m, v) => [`mysql --user=${v.user} --password=${m()} ${v.db}`, `mysql --user=${v.user} --password=${S} ${v.db}`],
  (m, v) => [`mysqldump -u root -p'${m()}' --single-transaction ${v.db}`, `mysqldump -u root -p${S} --single-transaction ${v.db}`],
  (m, v) => [`psql "postgres://${v.user}:${m()}@${v.host}:5432/${v.db}"`, `psql "postgres://${v.user}:${S}@${v.host}:5432/${v.db}"`],
  (m, v) => [`psql "host=${v.host} user=${v.user} password=${m()} dbname=${v.db}"`, `psql "host=${v.host} user=${v.user} password=${S} dbname=${v.db}"`],
  (m, v) => [`PGPASSWORD=${m()} psql -h ${v.host} -U ${v.user} ${v.db}`, `PGPASSWORD=${S} psql -h ${v.host} -U ${v.user} ${v.db}`],
  (m, v) => [`curl -sS -H "Authorization: Bearer ${m()}" https://${v.host}/api/v1/items`, `curl -sS -H "Authorization: Bearer ${S}" https://${v.host}/api/v1/items`],
  (m, v) => [`curl -fsS -H 'authorization: Basic ${m()}' https://${v.host}/health`, `curl -fsS -H 'authorization: Basic ${S}' https://${v.host}/health`],
  (m, v) => [`curl -u ${v.user}:${m()} -T backup.tgz https://${v.host}/upload`, `curl -u ${v.user}:${S} -T backup.tgz https://${v.host}/upload`],
  (m, v) => [`curl -H 'X-Api-Key: ${m()}' https://${v.host}/v2/metrics`, `curl -H 'X-Api-Key: ${S}' https://${v.host}/v2/metrics`],
  (m, v) => [
    `AWS_ACCESS_KEY_ID=AKIA${v.n}EXAMPLE AWS_SECRET_ACCESS_KEY=${m()} ./nightly-export --bucket s3://${v.db}-archive`,
    `AWS_ACCESS_KEY_ID=AKIA${v.n}EXAMPLE AWS_SECRET_ACCESS_KEY=${S} ./nightly-export --bucket s3://${v.db}-archive`,
  ],
  (m, v) => [
    `java -Xmx${v.n % 8 + 1}g -Djavax.net.ssl.keyStorePassword=${m()} -Djavax.net.ssl.keyStore=/etc/pki/${v.db}.jks -jar /srv/${v.db}.jar`,
    `java -Xmx${v.n % 8 + 1}g -Djavax.net.ssl.keyStorePassword=${S} -Djavax.net.ssl.keyStore=/etc/pki/${v.db}.jks -jar /srv/${v.db}.jar`,
  ],
  (m, v) => [`java -jar app.jar --spring.datasource.password=${m()} --server.port=${v.port}`, `java -jar app.jar --spring.datasource.password=${S} --server.port=${v.port}`],
  (m, v) => [`node dist/main.js --api-key ${m()} --port ${v.port}`, `node dist/main.js --api-key ${S} --port ${v.port}`],
  (m, v) => [`python3 manage.py runserver 0.0.0.0:${v.port} --secret-key=${m()}`, `python3 manage.py runserver 0.0.0.0:${v.port} --secret-key=${S}`],
  (m, v) => [`redis-server /etc/redis/redis.conf --port ${v.port} --requirepass ${m()}`, `redis-server /etc/redis/redis.conf --port ${v.port} --requirepass ${S}`],
  (m, v) => [`redis-cli -u redis://default:${m()}@${v.host}:6379 ping`, `redis-cli -u redis://default:${S}@${v.host}:6379 ping`],
  (m, v) => [`git clone https://${v.user}:${m()}@github.com/acme/${v.db}.git`, `git clone https://${v.user}:${S}@github.com/acme/${v.db}.git`],
  (m, v) => [`docker login -u ${v.user} --password ${m()} registry.example.com`, `docker login -u ${v.user} --password ${S} registry.example.com`],
  (m, v) => [`vault write auth/approle/login role_id=${v.n}-role secret_id=${m()}`, `vault write auth/approle/login role_id=${v.n}-role secret_id=${S}`],
  (m, v) => [`GITHUB_TOKEN=${m()} gh release create v1.${v.n}.0 --notes-file CHANGES.md`, `GITHUB_TOKEN=${S} gh release create v1.${v.n}.0 --notes-file CHANGES.md`],
  (m, v) => [`kubectl --token=${m()} --server=https://${v.host}:6443 get pods -n ${v.db}`, `kubectl --token=${S} --server=https://${v.host}:6443 get pods -n ${v.db}`],
  (m, v) => [`sshpass -p ${m()} ssh -o StrictHostKeyChecking=no ${v.user}@${v.host} uptime`, `sshpass -p ${S} ssh -o StrictHostKeyChecking=no ${v.user}@${v.host} uptime`],
  (m, v) => [`env STRIPE_API_KEY=${m()} ./billing-worker --queue invoices-${v.n}`, `env STRIPE_API_KEY=${S} ./billing-worker --queue invoices-${v.n}`],
  (m, v) => [
    `/opt/app/bin/server --db-url=postgresql://${v.user}:${m()}@${v.host}/${v.db} --threads 8`,
    `/opt/app/bin/server --db-url=postgresql://${v.user}:${S}@${v.host}/${v.db} --threads 8`,
  ],
  (m, v) => [
    `mongosh mongodb://${v.user}:${m()}@${v.host}:27017/${v.db}?authSource=admin --quiet`,
    `mongosh mongodb://${v.user}:${S}@${v.host}:27017/${v.db}?authSource=admin --quiet`,
  ],
  (m, v) => [`sh -c "MYSQL_PWD=${m()} mysql -u ${v.user} -e 'select 1'"`, `sh -c "MYSQL_PWD=${S} mysql -u ${v.user} -e 'select 1'"`],
  (m) => [`terraform apply -var client_secret=${m()} -auto-approve`, `terraform apply -var client_secret=${S} -auto-approve`],
  (m) => [`/usr/local/bin/agent --config /etc/agent.yaml --auth-token "${m()}" --verbose`, `/usr/local/bin/agent --config /etc/agent.yaml --auth-token ${S} --verbose`],
  (m, v) => [`wget --http-user=${v.user} --http-password=${m()} https://${v.host}/f.tgz`, `wget --http-user=${v.user} --http-password=${S} https://${v.host}/f.tgz`],
  (m) => [`ruby bin/worker SECRET_KEY_BASE=${m()} RAILS_ENV=production`, `ruby bin/worker SECRET_KEY_BASE=${S} RAILS_ENV=production`],
  (m) => [`app --password="${m()} with spaces" --log-level debug`, `app --password=${S} --log-level debug`],
  (m) => [`app --secret=${m()}=x=y --name=ünïcødé-日本語 --emoji=😀`, `app --secret=${S} --name=ünïcødé-日本語 --emoji=😀`],
  (m, v) => [`pinentry-bridge --user-pin ${m()} --slot ${v.n}`, `pinentry-bridge --user-pin ${S} --slot ${v.n}`],
  (m, v) => [
    `deploy --db-password ${m()} --api-token=${m()} --target ${v.host}`,
    `deploy --db-password ${S} --api-token=${S} --target ${v.host}`,
  ],
];

const USERS = ['app', 'svc_orders', 'reporting', 'admin', 'ci-bot', 'ölaf'];
const HOSTS = ['db-01.internal', '10.0.3.17', 'cache.prod.example.com', 'api.example.org', 'localhost'];
const DBS = ['orders', 'billing', 'inventory', 'analytics', 'users'];

/**
 * At least `count` command lines (300 by default), each template in turn with seeded variations,
 * each secret a unique marker `<tag><n>` that occurs nowhere else: search any store for `tag` and
 * a hit is a leak. `tag` is random per call unless given.
 */
export function secretCorpus(count = 330, tag = `zq${randomBytes(5).toString('hex')}k`, seed = 'secret-corpus'): { tag: string; lines: SecretCommandLine[] } {
  const prng = new Prng(seed);
  let planted = 0;
  const lines: SecretCommandLine[] = [];
  for (let i = 0; i < count; i++) {
    const markers: string[] = [];
    const m = () => {
      const marker = `${tag}${(planted++).toString(36)}${prng.int(0, 1e6).toString(36)}`;
      markers.push(marker);
      return marker;
    };
    const vary: Vary = { user: prng.pick(USERS), host: prng.pick(HOSTS), db: prng.pick(DBS), port: prng.int(1024, 65535), n: i };
    const [raw, scrubbed] = TEMPLATES[i % TEMPLATES.length](m, vary);
    lines.push({ raw, scrubbed, markers });
  }
  return { tag, lines };
}
