/** `npm run lifecycle -- <command>`, parsed. */
export type LifecycleCommand = { kind: 'help' } | { kind: 'run' } | { kind: 'status'; json: boolean };

export class UsageError extends Error {}

export function usage(): string {
  return [
    'usage: npm run lifecycle -- <command>',
    '  run              every due step once on every shard (compress sealed days, merge late rows), printing what it did',
    '  status [--json]  per shard and day: form (heap, compressed, compressed+late), rows and bytes',
  ].join('\n');
}

export function parseLifecycleCommand(argv: string[]): LifecycleCommand {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  const unknown = rest.filter((a) => !(name === 'status' && a === '--json'));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}\n${usage()}`);
  if (name === 'run') return { kind: 'run' };
  if (name === 'status') return { kind: 'status', json: rest.includes('--json') };
  throw new UsageError(`unknown command ${name}\n${usage()}`);
}
