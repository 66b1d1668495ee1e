import { ProcessSnapshot } from '../process-snapshot';
import { CommandLineScrubber } from './command-line-scrubber';

/**
 * The snapshot fields that carry argv or environment text and are scrubbed: only `cmdline`.
 * `name` is the executable's name (/proc/<pid>/comm), `username` and `state` are not free text
 * from the command; they are stored as sent.
 */
export const SCRUBBED_PROCESS_FIELDS = ['cmdline'] as const;

/**
 * Scrubs every process's cmdline in place. Returns true when something changed (the caller then
 * re-encodes the snapshot; an unchanged one keeps its original JSON text).
 */
export function scrubSnapshot(snapshot: ProcessSnapshot, scrub: CommandLineScrubber): boolean {
  let changed = false;
  for (const process of snapshot.processes) {
    if (process.cmdline === undefined) continue;
    const scrubbed = scrub(process.cmdline);
    if (scrubbed !== process.cmdline) {
      process.cmdline = scrubbed;
      changed = true;
    }
  }
  return changed;
}
