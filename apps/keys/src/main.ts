// `npm run keys -- <command>`: the operator's tool for API keys (README, "API keys"). Talks to the
// catalog; needs the server secret file (PA_API_KEY_SECRET_FILE) to create and rotate.
import { writeFileSync } from 'node:fs';
import { Pool } from 'pg';
import { createKey, listApiKeys, readServerSecret, revokeKey, rotateKey } from '@pa/auth';
import { loadAuthConfig } from '@pa/config';
import { KeysCommand, parseKeysCommand, usage } from './cli/keys-command';
import { printKeys } from './cli/key-printer';

async function main(): Promise<void> {
  const command = parseKeysCommand(process.argv.slice(2));
  if (command.kind === 'help') return void console.log(usage());
  const { auth } = loadAuthConfig(process.env);
  const catalog = new Pool({ connectionString: auth.catalogUrl, max: 1 });
  catalog.on('error', (error) => console.error(`catalog: ${error.message}`));
  try {
    await run(command, catalog, () => readServerSecret(auth.secretFile));
  } finally {
    await catalog.end();
  }
}

async function run(command: Exclude<KeysCommand, { kind: 'help' }>, catalog: Pool, secret: () => Buffer): Promise<void> {
  const now = Date.now();
  switch (command.kind) {
    case 'create': {
      const { keyId, token } = await createKey(catalog, secret(), { ...command, expiresAtMs: now + command.expiresInMs }, now);
      handOver(token, command.keyFile, `created key ${keyId} (${command.name}, ${command.scopes.join(',')}, expires ${new Date(now + command.expiresInMs).toISOString()})`);
      return;
    }
    case 'list':
      printKeys(await listApiKeys(catalog), command.json, now);
      return;
    case 'revoke':
      await revokeKey(catalog, command.keyId, now);
      console.error(`revoked key ${command.keyId}`);
      return;
    case 'rotate': {
      const expiresAtMs = command.expiresInMs === undefined ? undefined : now + command.expiresInMs;
      const token = await rotateKey(catalog, secret(), command.keyId, command.overlapMs, expiresAtMs, now);
      handOver(token, command.keyFile, `rotated key ${command.keyId}; the old secret works until ${new Date(now + command.overlapMs).toISOString()}`);
      return;
    }
  }
}

/** The key goes to stdout (alone on its line, for scripts) or to a 0600 file; the summary to stderr. */
function handOver(token: string, keyFile: string | undefined, summary: string): void {
  if (keyFile) {
    writeFileSync(keyFile, `${token}\n`, { mode: 0o600 });
    console.error(`${summary}; key written to ${keyFile}`);
  } else {
    console.log(token);
    console.error(`${summary}; this is the only time the key is shown`);
  }
}

main().catch((error: unknown) => {
  console.error(`keys: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
