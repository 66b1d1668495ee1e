import { Controller, Get } from '@nestjs/common';
import { OutboxWorker, ShardProgress } from '../outbox/outbox-worker.service';

@Controller()
export class HealthController {
  constructor(private readonly worker: OutboxWorker) {}

  @Get('healthz')
  healthz(): { status: string; shards: ShardProgress[] } {
    return { status: 'ok', shards: this.worker.progress };
  }

  /** Ready once the loops run; a shard that is down shows in lastError, the others go on. */
  @Get('readyz')
  readyz(): { status: string } {
    return { status: 'ready' };
  }
}
