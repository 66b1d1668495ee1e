import { AuditLog } from './audit-log';
import { FixedWindowCounter } from './rate-limiter';

describe('FixedWindowCounter', () => {
  it('limits a name after `limit` events until its window ends, and says when', () => {
    const counter = new FixedWindowCounter(3, 60_000);
    const t0 = 120_000;
    for (let i = 0; i < 3; i++) {
      expect(counter.check('10.0.0.1', t0).isLimited).toBe(false);
      counter.add('10.0.0.1', t0);
    }
    expect(counter.check('10.0.0.1', t0 + 15_000)).toEqual({ isLimited: true, retryAfterS: 45 });
    expect(counter.check('10.0.0.2', t0).isLimited).toBe(false);
    expect(counter.check('10.0.0.1', t0 + 60_000).isLimited).toBe(false);
  });
});

describe('AuditLog', () => {
  it('logs every event at once, queues a bounded number, and writes them in the background', async () => {
    const lines: string[] = [];
    const written: unknown[] = [];
    const warnings: string[] = [];
    const audit = new AuditLog({
      insert: async (events) => void written.push(...events),
      logLine: (line) => lines.push(line),
      warn: (m) => warnings.push(m),
      maxQueued: 2,
      flushMs: 60_000,
    });
    for (let i = 0; i < 3; i++) audit.record({ atMs: 0, event: 'request.refused', keyId: `k${i}`, reason: 'unknown key' });
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0])).toMatchObject({ audit: 'request.refused', key_id: 'k0', reason: 'unknown key' });
    await audit.close();
    expect(written).toHaveLength(2);
    expect(warnings.join()).toMatch(/1 events not written/);
  });

  it('a failing catalog write is logged, never thrown', async () => {
    const warnings: string[] = [];
    const audit = new AuditLog({ insert: async () => Promise.reject(new Error('down')), logLine: () => undefined, warn: (m) => warnings.push(m), flushMs: 60_000 });
    audit.record({ atMs: 0, event: 'request.refused' });
    await expect(audit.close()).resolves.toBeUndefined();
    expect(warnings.join()).toMatch(/down/);
  });
});
