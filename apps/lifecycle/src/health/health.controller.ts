import { Controller, Get } from '@nestjs/common';
import { LifecycleWorker, ShardProgress } from '../service/lifecycle-worker.service';

@Controller()
export class HealthController {
  constructor(private readonly worker: LifecycleWorker) {}

  @Get('healthz')
  healthz(): { status: string; shards: ShardProgress[] } {
    return { status: 'ok', shards: this.worker.progress };
  }

  /** Ready once the topology is open and the loop runs; a shard that fails shows in lastError. */
  @Get('readyz')
  readyz(): { status: string } {
    return { status: this.worker.isRunning ? 'ready' : 'starting' };
  }
}
