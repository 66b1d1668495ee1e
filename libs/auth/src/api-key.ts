import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key text: `pa1_<key id>_<secret>_<checksum>`. The `pa1_` prefix makes a leaked key
 * recognisable (secret scanners, grep); the key id (10 base62 characters, about 59 bits, random)
 * names the key in the catalog, the audit log and `keys list`; the secret (32 base62 characters,
 * about 190 bits) is what only the holder knows; the checksum (CRC32 of everything before it, 6
 * base62 characters) catches a typo before any lookup.
 */
export const API_KEY_PREFIX = 'pa1';
export const KEY_ID_LENGTH = 10;
export const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}_([0-9A-Za-z]{${KEY_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})_([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`);
const KEY_ID_SHAPE = new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`);

export interface ApiKeyParts {
  keyId: string;
  secret: string;
}

/** Why a text is not a key; never contains the text. */
export type KeyFormatProblem = 'malformed' | 'bad checksum';

/** `length` characters of base62 from the CSPRNG (randomInt is unbiased). */
export function randomBase62(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += BASE62[randomInt(BASE62.length)];
  return text;
}

/** A fresh key id and secret, and the key text that carries them. */
export function generateApiKey(keyId = randomBase62(KEY_ID_LENGTH)): ApiKeyParts & { token: string } {
  const secret = randomBase62(SECRET_LENGTH);
  return { keyId, secret, token: formatApiKey({ keyId, secret }) };
}

export function formatApiKey(parts: ApiKeyParts): string {
  const body = `${API_KEY_PREFIX}_${parts.keyId}_${parts.secret}`;
  return `${body}_${checksumOf(body)}`;
}

/** The parts of a key text, or the reason it is not one (shape, then checksum). */
export function parseApiKey(text: string): ApiKeyParts | KeyFormatProblem {
  const match = KEY_SHAPE.exec(text);
  if (!match) return 'malformed';
  const [, keyId, secret, checksum] = match;
  if (checksum !== checksumOf(`${API_KEY_PREFIX}_${keyId}_${secret}`)) return 'bad checksum';
  return { keyId, secret };
}

export function isKeyId(text: string): boolean {
  return KEY_ID_SHAPE.test(text);
}

/** CRC32 of `body` in base62, left-padded to 6 characters (62^6 > 2^32). */
function checksumOf(body: string): string {
  let n = crc32(body);
  let text = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    text = BASE62[n % 62] + text;
    n = Math.floor(n / 62);
  }
  return text;
}
