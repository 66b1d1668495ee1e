import { pollUntil } from '@pa/testing';

/** The test stack's Zipkin (infra/test.sh starts it and exports ZIPKIN_URL). */
export const ZIPKIN_URL = process.env.ZIPKIN_URL ?? 'http://127.0.0.1:29411';

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

/** Env that makes a service export to the test Zipkin and flush spans quickly. */
export function zipkinEnv(): Record<string, string> {
  return { OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${ZIPKIN_URL}/api/v2/spans`, OTEL_BSP_SCHEDULE_DELAY: '100' };
}

/** Polls Zipkin until the trace holds spans satisfying `isComplete`. */
export async function waitForTrace(traceId: string, isComplete: (spans: ZipkinSpan[]) => boolean): Promise<ZipkinSpan[]> {
  return pollUntil(
    async () => {
      const response = await fetch(`${ZIPKIN_URL}/api/v2/trace/${traceId}`);
      return response.status === 200 ? ((await response.json()) as ZipkinSpan[]) : [];
    },
    isComplete,
    { timeoutMs: 30_000, intervalMs: 300, what: `trace ${traceId} in Zipkin` },
  );
}

export function has(spans: ZipkinSpan[], service: string, name: RegExp): ZipkinSpan | undefined {
  return spans.find((s) => s.localEndpoint.serviceName === service && name.test(s.name));
}
