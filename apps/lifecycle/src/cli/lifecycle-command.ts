/** `npm run lifecycle -- <command>`, parsed. */
export type LifecycleCommand =
  | { kind: 'help' }
  | { kind: 'run' }
  | { kind: 'status'; json: boolean }
  | { kind: 'restore'; day: string; shard?: number };

export class UsageError extends Error {}

export function usage(): string {
  return [
    'usage: npm run lifecycle -- <command>',
    '  run                                     every due step once on every shard (compress sealed days, merge late rows, archive and drop days past the retention), printing what it did',
    '  status [--json]                         per shard and day: form (heap, compressed, compressed+late, archived), rows, bytes, archive files',
    '  restore --day YYYY-MM-DD [--shard N]    put an archived day back (every shard that archived it, or shard N), verified',
  ].join('\n');
}

function isDay(text: string | undefined): text is string {
  return text !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

function parseRestore(rest: string[]): LifecycleCommand {
  let day: string | undefined;
  let shard: number | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (flag === '--day') {
      if (!isDay(value)) throw new UsageError(`--day: ${JSON.stringify(value ?? '')} is not a day YYYY-MM-DD\n${usage()}`);
      day = value;
    } else if (flag === '--shard') {
      if (value === undefined || !/^\d{1,4}$/.test(value)) throw new UsageError(`--shard: ${JSON.stringify(value ?? '')} is not a shard number\n${usage()}`);
      shard = Number(value);
    } else {
      throw new UsageError(`unknown argument ${flag}\n${usage()}`);
    }
  }
  if (day === undefined) throw new UsageError(`restore: --day YYYY-MM-DD is required\n${usage()}`);
  return { kind: 'restore', day, shard };
}

export function parseLifecycleCommand(argv: string[]): LifecycleCommand {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  if (name === 'restore') return parseRestore(rest);
  const unknown = rest.filter((a) => !(name === 'status' && a === '--json'));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}\n${usage()}`);
  if (name === 'run') return { kind: 'run' };
  if (name === 'status') return { kind: 'status', json: rest.includes('--json') };
  throw new UsageError(`unknown command ${name}\n${usage()}`);
}
