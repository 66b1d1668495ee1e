import { SCOPES, Scope, isKeyId, isScope } from '@pa/auth';

export type KeysCommand =
  | { kind: 'help' }
  | { kind: 'create'; name: string; scopes: Scope[]; writePrefixes: string[]; readPrefixes: string[]; expiresInMs: number; keyFile?: string }
  | { kind: 'list'; json: boolean }
  | { kind: 'revoke'; keyId: string }
  | { kind: 'rotate'; keyId: string; overlapMs: number; expiresInMs?: number; keyFile?: string };

export function usage(): string {
  return [
    'npm run keys -- <command>',
    '  create --name N --scope S [--scope S…] --expires 90d    a new key, printed once (scopes: ' + SCOPES.join(', ') + ')',
    '         [--write-prefix P…] [--read-prefix P…]           tenants: machine-id prefixes it may write / read (whole segments)',
    '         [--key-file PATH]                                write the key to PATH (0600) instead of printing it',
    '  list [--json]                                           every key, never a secret',
    '  revoke <key id>                                         refused everywhere within seconds',
    '  rotate <key id> [--overlap 24h] [--expires 90d] [--key-file PATH]   a new secret; the old one works until the overlap ends',
    'Durations: a number with s, m, h or d.',
  ].join('\n');
}

const REPEATED = new Set(['--scope', '--write-prefix', '--read-prefix']);

/** Parses the arguments; throws an Error naming what is wrong (the CLI prints it and exits 1). */
export function parseKeysCommand(args: string[]): KeysCommand {
  const [verb, ...rest] = args;
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('--')) positional.push(rest[i]);
    else if (rest[i] === '--json') flags.set('--json', ['']);
    else flags.set(rest[i], [...(REPEATED.has(rest[i]) ? (flags.get(rest[i]) ?? []) : []), rest[++i] ?? '']);
  }
  const one = (name: string) => flags.get(name)?.[0];
  switch (verb) {
    case undefined:
    case 'help':
    case '--help':
      return { kind: 'help' };
    case 'create':
      return parseCreate(flags, one);
    case 'list':
      return { kind: 'list', json: flags.has('--json') };
    case 'revoke':
      return { kind: 'revoke', keyId: keyIdOf(positional[0]) };
    case 'rotate': {
      const expires = one('--expires');
      return {
        kind: 'rotate',
        keyId: keyIdOf(positional[0]),
        overlapMs: parseDuration(one('--overlap') ?? '24h', '--overlap'),
        expiresInMs: expires === undefined ? undefined : parseDuration(expires, '--expires'),
        keyFile: one('--key-file'),
      };
    }
    default:
      throw new Error(`unknown command ${verb}\n${usage()}`);
  }
}

function parseCreate(flags: Map<string, string[]>, one: (name: string) => string | undefined): KeysCommand {
  const name = one('--name');
  if (!name) throw new Error('create needs --name (what the key is for, e.g. grafana)');
  const scopes = flags.get('--scope') ?? [];
  if (scopes.length === 0 || !scopes.every(isScope)) throw new Error(`create needs --scope, one or more of ${SCOPES.join(', ')}`);
  const expires = one('--expires');
  if (!expires) throw new Error('create needs --expires (e.g. 90d): every key expires');
  return {
    kind: 'create',
    name,
    scopes: [...new Set(scopes as Scope[])],
    writePrefixes: flags.get('--write-prefix') ?? [],
    readPrefixes: flags.get('--read-prefix') ?? [],
    expiresInMs: parseDuration(expires, '--expires'),
    keyFile: one('--key-file'),
  };
}

function keyIdOf(text: string | undefined): string {
  // A whole key given instead of its id: take the id, never echo the secret.
  const id = text?.startsWith('pa1_') ? text.split('_')[1] : text;
  if (!id || !isKeyId(id)) throw new Error('give the key id (10 letters and digits, as `list` shows it)');
  return id;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90d`, `24h`, `30m`, `10s` in ms; throws naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text);
  if (!match || Number(match[1]) === 0) throw new Error(`${flag} must be a duration such as 90d, 24h, 30m or 10s`);
  return Number(match[1]) * UNIT_MS[match[2]];
}
