import { LoggerService, LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

const LEVELS: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * Nest logger writing one JSON object per line with the active span's trace_id and span_id, so a
 * log line leads to its trace and back. Nest passes the context (class name) as the last string.
 */
export class JsonLogger implements LoggerService {
  private minLevel: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'log',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    this.minLevel = LEVELS.indexOf(level);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.minLevel = Math.min(...levels.map((l) => LEVELS.indexOf(l)));
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (LEVELS.indexOf(level) < this.minLevel) return;
    const params = [...rest];
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const span = trace.getActiveSpan()?.spanContext();
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, service: this.service, context };
    if (message instanceof Error) Object.assign(line, { msg: message.message, stack: message.stack });
    else line.msg = typeof message === 'string' ? message : JSON.stringify(message);
    for (const p of params) {
      if (typeof p === 'string' && level === 'error') line.stack = p;
      else if (p && typeof p === 'object') Object.assign(line, { fields: p });
    }
    line.trace_id = span?.traceId ?? null;
    line.span_id = span?.spanId ?? null;
    this.write(JSON.stringify(line) + '\n');
  }
}
