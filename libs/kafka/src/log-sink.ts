/** The slice of a logger our libs need; Nest's Logger and console both fit. */
export interface LogSink {
  log(message: unknown, ...context: unknown[]): void;
  warn(message: unknown, ...context: unknown[]): void;
  error(message: unknown, ...context: unknown[]): void;
  debug?(message: unknown, ...context: unknown[]): void;
}
