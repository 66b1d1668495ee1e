import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BrokerLoad {
  recordsPerSecond: number;
  megabytesPerSecond: number;
  /** send → acknowledgement of one record, as the tool reports it (queueing in the client included) */
  p50Ms: number;
  p99Ms: number;
  records: number;
}

// "20000 records sent, 1234.5 records/sec (70.12 MB/sec), 300.1 ms avg latency, 900.0 ms max latency,
//  280 ms 50th, 700 ms 95th, 850 ms 99th, 890 ms 99.9th."
const SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\).*?(\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/;

/**
 * Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, from the kafka-tools jar
 * of the broker's classpath) on the same broker: `records` records read from `payloadFile` (one per
 * line, the very snapshots the gateway is sent), acks=all, batches compressed as `compression` says
 * (the producer's default: none), everything else the producer's defaults.
 */
export async function producerPerformance(
  libDir: string,
  brokers: string[],
  topic: string,
  payloadFile: string,
  records: number,
  stateDir: string,
  compression: 'none' | 'zstd' = 'none',
): Promise<BrokerLoad> {
  const args = [
    '-Xmx512m', '-cp', `${libDir}/*`, 'org.apache.kafka.tools.ProducerPerformance',
    '--bootstrap-server', brokers.join(','), '--topic', topic, '--num-records', String(records), '--throughput', '-1',
    '--payload-file', payloadFile, '--producer-props', 'acks=all', `compression.type=${compression}`, ...adminClientConfig(stateDir),
  ];
  const { stdout } = await run('java', args, { maxBuffer: 16 << 20, env: { ...process.env, KAFKA_LOG4J_OPTS: '' } });
  const line = stdout.split('\n').reverse().find((l) => SUMMARY.test(l));
  const match = line ? SUMMARY.exec(line) : null;
  if (!match) throw new Error(`ProducerPerformance printed no summary:\n${stdout.slice(-2000)}`);
  return {
    records: Number(match[1]),
    recordsPerSecond: Number(match[2]),
    megabytesPerSecond: Number(match[3]),
    p50Ms: Number(match[4]),
    p99Ms: Number(match[5]),
  };
}

/**
 * `--producer.config <file>` logging in as admin over SASL_SSL (a 0600 file in the state dir, so the
 * password is on no command line), or nothing when KAFKA_SECURITY=plaintext.
 */
function adminClientConfig(stateDir: string): string[] {
  if (process.env.KAFKA_SECURITY === 'plaintext') return [];
  const password = readFileSync(join(stateDir, 'secrets', 'kafka-admin.password'), 'utf8').trim();
  const file = join(stateDir, 'secrets', 'producer-perf.properties');
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${password}";`;
  const lines = ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', `sasl.jaas.config=${jaas}`, 'ssl.truststore.type=PEM', `ssl.truststore.location=${join(stateDir, 'tls', 'ca.crt')}`];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return ['--producer.config', file];
}
