import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { API_KEY_GUARD, ApiKeyGuard, principalOf } from '@pa/auth';
import { GatewayConfig } from '@pa/config';
import { CommandLineScrubber, createCommandLineScrubber } from '@pa/contracts';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ProblemException } from '@pa/http';
import { GatewayMetrics } from './gateway.metrics';
import { DecodedRequest, decodeSnapshotRequest } from './snapshot-request.decoder';
import { SnapshotPublisher } from './snapshot-publisher.service';
import { assertWritable } from './tenant-check';

@Controller('v1/snapshots')
export class IngestController {
  /** undefined when SCRUB_COMMAND_LINES=off */
  private readonly scrub: CommandLineScrubber | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly publisher: SnapshotPublisher,
    private readonly metrics: GatewayMetrics,
    @Inject(API_KEY_GUARD) private readonly guard: ApiKeyGuard,
  ) {
    const { enabled, extraWords } = config.scrubbing;
    // Not memoized (as the writer's is): every cmdline comes from a fresh JSON.parse, so a lookup
    // hashes the whole string, and item 4's command lines scrubbed in 29-32 µs per snapshot plain
    // against 29-38 µs through memoizeScrubber (measured by hand on fresh strings).
    this.scrub = enabled ? createCommandLineScrubber({ extraWords }) : undefined;
  }

  /** One snapshot (application/json) or many (application/x-ndjson), optionally gzip-encoded. */
  @Post()
  @HttpCode(202)
  async ingest(
    @Req() request: FastifyRequest,
    @Headers('content-type') contentType: string | undefined,
    @Headers('content-encoding') contentEncoding: string | undefined,
  ): Promise<{ accepted: number; duplicates: number }> {
    let decoded: DecodedRequest;
    try {
      decoded = await decodeSnapshotRequest(
        { contentType, contentEncoding, body: request.body as Buffer | undefined },
        {
          limitBytes: this.config.http.bodyLimitBytes,
          maxRecordBytes: this.publisher.maxRecordBytes(),
          nowMs: Date.now(),
          retentionMs: this.config.retentionMs,
          scrub: this.scrub,
          recordFormat: this.config.kafka.recordFormat,
          directV2: this.config.kafka.directV2,
        },
      );
    } catch (error) {
      if (error instanceof ProblemException) this.metrics.records.inc({ outcome: 'rejected' });
      throw error;
    }
    const { records, duplicates } = decoded;
    try {
      assertWritable(records, principalOf(request));
    } catch (error) {
      this.metrics.records.inc({ outcome: 'rejected' });
      this.guard.recordRefusal(request, 'machine outside write prefixes');
      throw error;
    }
    const stopTimer = this.metrics.produceSeconds.startTimer();
    try {
      await this.publisher.publish(records);
    } catch (error) {
      const isUnavailable = !(error instanceof ProblemException) || error.status === 503;
      this.metrics.records.inc({ outcome: isUnavailable ? 'unavailable' : 'rejected' }, isUnavailable ? records.length : 1);
      throw error;
    }
    stopTimer();
    this.metrics.records.inc({ outcome: 'accepted' }, records.length);
    if (duplicates > 0) this.metrics.records.inc({ outcome: 'duplicate' }, duplicates);
    return { accepted: records.length, duplicates };
  }
}
