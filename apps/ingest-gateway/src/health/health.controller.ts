import { Controller, Get, HttpCode } from '@nestjs/common';
import { ProblemException } from '@pa/http';
import { SnapshotPublisher } from '../ingest/snapshot-publisher.service';

@Controller()
export class HealthController {
  constructor(private readonly publisher: SnapshotPublisher) {}

  /** Alive: the process answers. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /** Ready: Kafka answers a metadata request within 2 s. */
  @Get('readyz')
  async readyz(): Promise<{ status: string }> {
    if (!(await this.publisher.isKafkaReachable(2_000))) {
      throw new ProblemException(503, 'KAFKA_UNAVAILABLE', 'Kafka is not reachable', { headers: { 'retry-after': '5' } });
    }
    return { status: 'ready' };
  }
}
