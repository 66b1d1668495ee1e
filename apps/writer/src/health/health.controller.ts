import { Controller, Get } from '@nestjs/common';
import { ProblemException } from '@pa/http';
import { SnapshotConsumer } from '../consumer/snapshot-consumer.service';

@Controller()
export class HealthController {
  constructor(private readonly consumer: SnapshotConsumer) {}

  @Get('healthz')
  healthz(): { status: string; counters: SnapshotConsumer['counters']; shards_down: number[]; consuming_since?: number; last_stored_at?: number } {
    const { consumingSinceMs, lastStoredAtMs } = this.consumer.timeline;
    return { status: 'ok', counters: this.consumer.counters, shards_down: this.consumer.downShards(), consuming_since: consumingSinceMs, last_stored_at: lastStoredAtMs };
  }

  /** Ready when consuming; a stopped shard does not make the writer unready (it parks and goes on). */
  @Get('readyz')
  async readyz(): Promise<{ status: string }> {
    if (!(await this.consumer.isReady())) {
      throw new ProblemException(503, 'NOT_CONSUMING', 'the writer is not consuming (Kafka unreachable or starting)');
    }
    return { status: 'ready' };
  }
}
