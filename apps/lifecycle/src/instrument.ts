// Imported first by main.ts: OpenTelemetry must patch http, pg and Nest before they load.
import { loadTelemetryConfig, serviceVersion } from '@pa/config';
import { startTelemetry } from '@pa/telemetry';

export const stopTelemetry = startTelemetry(loadTelemetryConfig(process.env, 'lifecycle', serviceVersion()));
