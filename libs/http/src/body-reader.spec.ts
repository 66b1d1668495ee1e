import { PassThrough } from 'node:stream';
import { BodyBudget } from './body-budget';
import { BodyReadLimits, readBody } from './body-reader';

const limits = (over: Partial<BodyReadLimits> = {}): BodyReadLimits => ({
  limitBytes: 100,
  idleTimeoutMs: 60_000,
  deadlineAt: Date.now() + 60_000,
  retryAfterSeconds: 1,
  ...over,
});

describe('readBody', () => {
  it('reads the body, holding its declared length until the claim is released', async () => {
    const budget = new BodyBudget(1_000);
    const claim = budget.claim();
    const body = new PassThrough();
    const read = readBody(body, 10, claim, limits());
    expect(budget.inFlightBytes).toBe(10);
    body.end(Buffer.from('0123456789'));
    expect((await read).toString()).toBe('0123456789');
    claim.release();
    claim.release();
    expect(budget.inFlightBytes).toBe(0);
  });

  it('refuses a declared length over the limit (413) or over what the budget has left (503), before reading, and closes', async () => {
    const budget = new BodyBudget(150);
    await expect(readBody(new PassThrough(), 101, budget.claim(), limits())).rejects.toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    const held = new PassThrough();
    const holding = readBody(held, 100, budget.claim(), limits()).catch(() => undefined);
    const refused = readBody(new PassThrough(), 60, budget.claim(), limits());
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'BODY_BACKPRESSURE', extras: { headers: { 'retry-after': '1', connection: 'close' } } });
    expect(budget.inFlightBytes).toBe(100);
    held.destroy();
    await holding;
  });

  it('claims a chunked body chunk by chunk, and refuses the chunk that does not fit', async () => {
    const budget = new BodyBudget(50);
    const claim = budget.claim();
    const body = new PassThrough();
    const read = readBody(body, undefined, claim, limits());
    body.write(Buffer.alloc(30));
    await new Promise((r) => setImmediate(r));
    expect(claim.claimedBytes).toBe(30);
    body.write(Buffer.alloc(30));
    await expect(read).rejects.toMatchObject({ status: 503 });
    claim.release();
    expect(budget.inFlightBytes).toBe(0);
  });

  it('answers 408 to a body that goes silent, and to one that trickles past its deadline', async () => {
    const budget = new BodyBudget(1_000);
    const silent = new PassThrough();
    const stalled = readBody(silent, 50, budget.claim(), limits({ idleTimeoutMs: 20 }));
    silent.write('{"a":');
    await expect(stalled).rejects.toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT', detail: expect.stringContaining('stalled') });

    const trickling = new PassThrough();
    const late = readBody(trickling, 50, budget.claim(), limits({ idleTimeoutMs: 1_000, deadlineAt: Date.now() + 50 }));
    const drip = setInterval(() => trickling.write(' '), 5);
    await expect(late).rejects.toMatchObject({ status: 408, detail: expect.stringContaining('did not arrive in full') });
    clearInterval(drip);
  });

  it('answers 400 when the client goes away mid-body', async () => {
    const body = new PassThrough();
    const read = readBody(body, 50, new BodyBudget(1_000).claim(), limits());
    body.write('{"a":');
    body.destroy();
    await expect(read).rejects.toMatchObject({ status: 400, code: 'BODY_INCOMPLETE' });
  });
});
