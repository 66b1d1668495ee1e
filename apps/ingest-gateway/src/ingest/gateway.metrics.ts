import { Counter, Histogram, Registry } from 'prom-client';

/** The gateway's own metrics (request counts by status come from libs/http). */
export class GatewayMetrics {
  readonly records: Counter<'outcome'>;
  readonly produceSeconds: Histogram;

  constructor(registry: Registry) {
    this.records = new Counter({
      name: 'pa_gateway_records_total',
      help: 'Snapshots by outcome: accepted (Kafka acknowledged), unavailable (Kafka did not take them: 503); rejected counts refused requests (400/413/415)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.produceSeconds = new Histogram({
      name: 'pa_gateway_produce_seconds',
      help: 'Time from send to Kafka acknowledgement (acks=all) of one request’s records',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }
}
