import { gzipSync } from 'node:zlib';
import { buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { Pipeline } from './support/pipeline';
import { RawUpload } from './support/raw-upload';

const BODY_LIMIT = 64 * 1024;
/** Planted in every body below; it must come back in no answer and no log line. */
const SECRET = `s3cr3t-${uniqueSuffix()}`;

const json = { 'content-type': 'application/json' };
const ndjson = { 'content-type': 'application/x-ndjson' };
const gzipJson = { ...json, 'content-encoding': 'gzip' };

function cases(): [string, string | Buffer, Record<string, string>, number][] {
  const ok = buildSnapshot('e2e-echo', 2);
  const withCmdline = JSON.stringify({ ...ok, processes: [{ ...ok.processes[0], cmdline: `/bin/app --token=${SECRET}` }] });
  return [
    ['the secret as an unquoted value', `{"machine_id": "e2e-echo", "token": ${SECRET}}`, json, 400],
    ['the secret alone', SECRET, json, 400],
    ['a string cut short after the secret', withCmdline.slice(0, withCmdline.indexOf(SECRET) + SECRET.length), json, 400],
    ['text after the JSON', `${withCmdline} ${SECRET}`, json, 400],
    ['a bad NDJSON line', `${JSON.stringify(ok)}\n{"cmdline": "${SECRET}", ${SECRET}}\n`, ndjson, 400],
    ['invalid UTF-8 after the secret', Buffer.concat([Buffer.from(withCmdline.slice(0, -4)), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]), json, 400],
    ['broken JSON inside valid gzip', gzipSync(`{"cmdline": ${SECRET}`), gzipJson, 400],
    ['a gzip stream cut short', gzipSync(withCmdline).subarray(0, 40), gzipJson, 400],
    ['plain text sent as gzip', Buffer.from(withCmdline), gzipJson, 400],
    ['the secret as a machine_id', JSON.stringify({ ...ok, machine_id: `${SECRET}/!` }), json, 400],
    ['the secret where a number belongs', JSON.stringify({ ...ok, processes: [{ ...ok.processes[0], pid: SECRET }] }), json, 400],
    ['the secret as a ts', JSON.stringify({ ...ok, ts: SECRET }), json, 400],
    ['the secret as the processes', JSON.stringify({ ...ok, processes: SECRET }), json, 400],
    ['a body over the limit', `{"cmdline": "${SECRET}${' '.repeat(BODY_LIMIT)}"}`, json, 413],
  ];
}

describe('error answers and logs say where a body is broken, never what it says', () => {
  const pipeline = new Pipeline({}, { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT), GATEWAY_BODY_IDLE_TIMEOUT_MS: '500' });
  beforeAll(() => pipeline.startGateway(), 90_000);
  afterAll(() => pipeline.stop());

  it.each(cases())('%s', async (_name, body, headers, status) => {
    const response = await pipeline.post(body, headers);
    const text = await response.text();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(0, 10));
  });

  it('a JSON syntax error is placed by line and column', async () => {
    const response = await pipeline.post(`{\n  "machine_id": "e2e-echo",\n  "token": ${SECRET}\n}`, json);
    expect(await response.json()).toMatchObject({ status: 400, detail: '/: is not valid JSON at line 3, column 12: a value is malformed' });
  });

  it('a body that stalls after the secret', async () => {
    const upload = await RawUpload.open(pipeline.gatewayUrl, '/v1/snapshots', { declaredBytes: 1000, send: Buffer.from(`{"cmdline": "${SECRET}`) });
    await pollUntil(async () => upload.closed, Boolean, { timeoutMs: 30_000, what: 'the stalled body answered' });
    expect(upload.response()?.status).toBe(408);
    expect(upload.response()?.body).not.toContain(SECRET);
  });

  it('and the log holds no part of any of these bodies (tests run in order: this one last)', () => {
    const log = pipeline.gateway.log();
    // The log is not empty (the gateway logged its start), and holds no part of any body.
    expect(log).toContain('listening on');
    expect(log).not.toContain(SECRET.slice(0, 10));
  });
});
