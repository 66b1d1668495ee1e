import { hostname } from 'node:os';

const MAX_MACHINE_ID_LENGTH = 128;

/**
 * Turns a host name into a valid machine_id (schema: 1–128 of [A-Za-z0-9._:-]): other characters
 * become '-', the result is cut to 128, and an empty result becomes 'unknown-host'.
 */
export function sanitizeMachineId(name: string): string {
  const cleaned = name.trim().replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, MAX_MACHINE_ID_LENGTH);
  return cleaned || 'unknown-host';
}

/** This machine's id: the configured override, else the sanitized host name. */
export function resolveMachineId(override: string | undefined): string {
  return override ?? sanitizeMachineId(hostname());
}
