import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '@pa/config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { decodeSnapshotRequest } from './snapshot-request.decoder';
import { SnapshotPublisher } from './snapshot-publisher.service';

@Controller('v1/snapshots')
export class IngestController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly publisher: SnapshotPublisher,
  ) {}

  /** One snapshot (application/json) or many (application/x-ndjson), optionally gzip-encoded. */
  @Post()
  @HttpCode(202)
  async ingest(
    @Req() request: FastifyRequest,
    @Headers('content-type') contentType: string | undefined,
    @Headers('content-encoding') contentEncoding: string | undefined,
  ): Promise<{ accepted: number }> {
    const records = await decodeSnapshotRequest(
      { contentType, contentEncoding, body: request.body as Buffer | undefined },
      { limitBytes: this.config.http.bodyLimitBytes, nowMs: Date.now(), retentionMs: this.config.retentionMs },
    );
    await this.publisher.publish(records);
    return { accepted: records.length };
  }
}
