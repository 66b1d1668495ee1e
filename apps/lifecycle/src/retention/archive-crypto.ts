import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The first bytes of every encrypted archive file: format and version. */
const MAGIC = Buffer.from('PAARC1\n');
const IV_BYTES = 12; // GCM's native nonce size (NIST SP 800-38D, 8.2.1)
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class ArchiveAuthError extends Error {}

/**
 * The archive key from `file` (64 hex digits), made on first use with 32 random bytes, owner-only
 * (0600, its folder 0700). Throws when the file exists but holds no valid key.
 */
export function loadOrCreateArchiveKey(file: string): Buffer {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': created only if absent, so two instances starting at once cannot overwrite each other's key.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file}: not an archive key (64 hex digits expected)`);
  return Buffer.from(text, 'hex');
}

/**
 * AES-256-GCM with a random IV per file: MAGIC | IV | tag | ciphertext. `label` (shard, day and
 * file name) is authenticated too, so a file moved to another day's folder fails to decrypt.
 */
export function encryptArchive(key: Buffer, label: string, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

/** The plaintext of `encryptArchive`; throws ArchiveAuthError when anything (a byte, the label, the key) differs. */
export function decryptArchive(key: Buffer, label: string, sealed: Buffer): Buffer {
  const head = MAGIC.length + IV_BYTES + TAG_BYTES;
  if (sealed.length < head || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new ArchiveAuthError(`${label}: not an encrypted archive file`);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES));
  decipher.setAAD(Buffer.from(label));
  decipher.setAuthTag(sealed.subarray(MAGIC.length + IV_BYTES, head));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(head)), decipher.final()]);
  } catch {
    throw new ArchiveAuthError(`${label}: GCM authentication failed (the file was changed, or another key wrote it)`);
  }
}

/** HMAC-SHA-256 of a manifest's text under a key derived from the archive key (not the key itself). */
export function manifestMac(key: Buffer, text: string): string {
  const macKey = createHmac('sha256', key).update('pa-archive-manifest-v1').digest();
  return createHmac('sha256', macKey).update(text).digest('hex');
}
