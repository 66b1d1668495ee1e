import { JsonLogger } from './json-logger';

function capture(level?: 'log' | 'warn') {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('svc', level, (line) => lines.push(JSON.parse(line)));
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with service, context and null trace ids outside a span', () => {
    const { logger, lines } = capture();
    logger.log('hello', 'MyClass');
    expect(lines).toEqual([
      { time: expect.any(String), level: 'log', service: 'svc', context: 'MyClass', msg: 'hello', trace_id: null, span_id: null },
    ]);
  });

  it('keeps an Error’s message and stack, and structured fields', () => {
    const { logger, lines } = capture();
    logger.error(new Error('boom'), 'Ctx');
    logger.warn('careful', { partition: 3 }, 'Ctx');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', stack: expect.stringContaining('Error: boom'), context: 'Ctx' });
    expect(lines[1]).toMatchObject({ level: 'warn', msg: 'careful', fields: { partition: 3 } });
  });

  it('drops levels below the minimum', () => {
    const { logger, lines } = capture('warn');
    logger.log('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(lines.map((l) => l.msg)).toEqual(['loud']);
  });
});
