import { LogSink } from '@pa/kafka';

export interface ShutdownSignals {
  /** aborts at the first SIGTERM/SIGINT: stop ticking, start flushing */
  stop: AbortSignal;
  /** aborts `flushTimeoutMs` after that, or at a second signal: stop retrying, count what is unsent */
  giveUp: AbortSignal;
  /** true once a signal arrived */
  isSignalled(): boolean;
}

/** Turns SIGTERM/SIGINT into a graceful stop: the first stops ticking, a second (or the timeout) gives up flushing. */
export function trapShutdownSignals(flushTimeoutMs: number, logger: LogSink): ShutdownSignals {
  const stop = new AbortController();
  const giveUp = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      logger.warn(`${signal} again: giving up on the buffered snapshots`);
      giveUp.abort();
      return;
    }
    logger.log(`${signal}: stopping; flushing buffered snapshots for up to ${flushTimeoutMs} ms`);
    stop.abort();
    setTimeout(() => giveUp.abort(), flushTimeoutMs).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { stop: stop.signal, giveUp: giveUp.signal, isSignalled: () => stop.signal.aborted };
}
