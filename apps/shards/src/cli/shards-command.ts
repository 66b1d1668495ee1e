import { MOVE_STEPS, MoveStep } from '@pa/catalog';

export type ShardsCommand =
  | { kind: 'help' }
  | { kind: 'add'; url: string; graceMs?: number }
  | { kind: 'status'; json: boolean; graceMs?: number }
  | { kind: 'move'; from: number; to: number; target: number; resume: boolean; abort: boolean; stopAfter?: MoveStep; graceMs?: number; rate?: number }
  | { kind: 'rebalance'; dryRun: boolean; graceMs?: number; rate?: number };

export function usage(): string {
  return [
    'npm run shards -- <command>',
    '  add <postgres-url>                  register an empty node (created and migrated if need be)',
    '  status [--json]                     nodes, their bucket ranges, machines, rows and bytes; a move under way',
    '  move --buckets A-B --to <node>      move buckets A..B (all on one node) to node <node>, online',
    '       [--stop-after <step>]          stop once a step is done (steps: ' + MOVE_STEPS.join(', ') + ')',
    '  move --resume | --abort             continue, or roll back, the move under way',
    '  rebalance [--dry-run]               plan and run the moves that even out rows per node',
    'Options: --grace-ms N (how long services get to see a new shard map; default 3 × CATALOG_POLL_MS)',
    '         --rate N (move, rebalance: copy at most N process rows/s on average; 0 = unlimited;',
    '                   default MOVE_COPY_ROWS_PER_SECOND, else unlimited)',
  ].join('\n');
}

/** Parses the arguments; throws an Error naming what is wrong (the CLI prints it and exits 1). */
export function parseShardsCommand(args: string[]): ShardsCommand {
  const [verb, ...rest] = args;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('--')) positional.push(rest[i]);
    else if (['--json', '--resume', '--abort', '--dry-run'].includes(rest[i])) flags.set(rest[i], true);
    else flags.set(rest[i], rest[++i] ?? '');
  }
  const graceMs = flags.has('--grace-ms') ? wholeNumber(flags.get('--grace-ms'), '--grace-ms', 0, 600_000) : undefined;
  const rate = flags.has('--rate') ? wholeNumber(flags.get('--rate'), '--rate', 0, 100_000_000) : undefined;
  switch (verb) {
    case undefined:
    case 'help':
    case '--help':
      return { kind: 'help' };
    case 'add':
      if (!positional[0]?.startsWith('postgres')) throw new Error('add needs the new node\'s postgres:// URL');
      return { kind: 'add', url: positional[0], graceMs };
    case 'status':
      return { kind: 'status', json: flags.has('--json'), graceMs };
    case 'rebalance':
      return { kind: 'rebalance', dryRun: flags.has('--dry-run'), graceMs, rate };
    case 'move':
      return parseMove(flags, graceMs, rate);
    default:
      throw new Error(`unknown command ${verb}\n${usage()}`);
  }
}

function parseMove(flags: Map<string, string | true>, graceMs: number | undefined, rate: number | undefined): ShardsCommand {
  const stopAfter = flags.get('--stop-after');
  if (stopAfter !== undefined && !MOVE_STEPS.includes(stopAfter as MoveStep)) throw new Error(`--stop-after must be one of ${MOVE_STEPS.join(', ')}`);
  const base = { kind: 'move' as const, resume: flags.has('--resume'), abort: flags.has('--abort'), stopAfter: stopAfter as MoveStep | undefined, graceMs, rate };
  if (base.resume || base.abort) return { ...base, from: 0, to: 0, target: 0 };
  const buckets = /^(\d+)-(\d+)$/.exec(String(flags.get('--buckets') ?? ''));
  if (!buckets) throw new Error('move needs --buckets A-B (0 ≤ A ≤ B ≤ 4095) and --to <node id>, or --resume / --abort');
  return { ...base, from: Number(buckets[1]), to: Number(buckets[2]), target: wholeNumber(flags.get('--to'), '--to', 0, 4095) };
}

function wholeNumber(raw: string | true | undefined, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}
