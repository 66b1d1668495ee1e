export * from './env-reader';
export * from './common.config';
export * from './gateway.config';
export * from './writer.config';
export * from './collector.config';
export * from './summarizer.config';
export * from './telemetry.config';
export * from './service-version';
