import { join, resolve } from 'node:path';
import { EnvReader } from './env-reader';

/** The stack's state folder: PA_STATE_DIR (infra/lib/common.sh exports it), else ./var. */
export function stateDir(env: EnvReader): string {
  return resolve(env.string('PA_STATE_DIR', 'var'));
}

/** A file under the state folder: `<state>/<...parts>`. */
export function statePath(env: EnvReader, ...parts: string[]): string {
  return join(stateDir(env), ...parts);
}
