export * from './start-telemetry';
export * from './kafka-trace-context';
export * from './with-span';
export * from './json-logger';
export * from './metrics.module';
export * from './telemetry-shutdown.module';
