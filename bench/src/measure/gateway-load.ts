import autocannon from 'autocannon';
import { benchAuthHeaders } from '../support/bench-key';

export interface HttpLoad {
  /** 202 answers per second */
  acceptedPerSecond: number;
  accepted: number;
  /** answers other than 2xx (503 under backpressure) and connection errors */
  rejected: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
}

/**
 * autocannon against POST /v1/snapshots for `seconds`, `connections` keep-alive connections, each
 * request one snapshot (application/json, as a collector sends it), the next of `bodies` in turn
 * over all connections. One cursor for all: autocannon otherwise walks the list per connection,
 * so connections in step send the same snapshot at once, and Kafka batches of identical records
 * compress far better than any fleet's (zstd, broker bytes per record: 35× smaller for 64 bodies in step, 6.4× for 512 distinct ones; bench/results/2026-12-02T115159Z.json, …124409Z.json).
 */
export async function loadGateway(gatewayUrl: string, bodies: string[], seconds: number, connections: number): Promise<HttpLoad> {
  let next = 0;
  const result = await autocannon({
    url: `${gatewayUrl}/v1/snapshots`,
    connections,
    duration: seconds,
    timeout: 30,
    headers: { 'content-type': 'application/json', ...benchAuthHeaders() },
    requests: [{ method: 'POST' as const, setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
  return {
    acceptedPerSecond: result['2xx'] / result.duration,
    accepted: result['2xx'],
    rejected: result.non2xx,
    errors: result.errors,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    seconds: result.duration,
  };
}
