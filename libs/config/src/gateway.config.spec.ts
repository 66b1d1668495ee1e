import { ConfigError } from './env-reader';
import { loadGatewayConfig } from './gateway.config';

describe('loadGatewayConfig', () => {
  it('bounds every request by default: timeouts and the bytes of bodies held at once', () => {
    expect(loadGatewayConfig({}).http).toMatchObject({
      bodyLimitBytes: 16 * 1024 * 1024,
      maxInFlightBodyBytes: 128 * 1024 * 1024,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 60_000,
      bodyIdleTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
    });
  });

  it('refuses a body cap under the body limit and a headers timeout over the request timeout, naming both', () => {
    const load = () =>
      loadGatewayConfig({ GATEWAY_BODY_LIMIT_BYTES: '2048', GATEWAY_MAX_IN_FLIGHT_BODY_BYTES: '1024', GATEWAY_HEADERS_TIMEOUT_MS: '5000', GATEWAY_REQUEST_TIMEOUT_MS: '1000' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/GATEWAY_MAX_IN_FLIGHT_BODY_BYTES[\s\S]*GATEWAY_HEADERS_TIMEOUT_MS/);
  });

  it('produces uncompressed batches unless KAFKA_COMPRESSION names a codec, and refuses an unknown one', () => {
    expect(loadGatewayConfig({}).kafka.compression).toBe('none');
    expect(loadGatewayConfig({ KAFKA_COMPRESSION: 'zstd' }).kafka.compression).toBe('zstd');
    expect(() => loadGatewayConfig({ KAFKA_COMPRESSION: 'lz4' })).toThrow(/KAFKA_COMPRESSION: must be one of none, gzip, zstd \(got "lz4"\)/);
  });
});
