import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * An encrypted PDF's password at rest (document_secrets.ciphertext): AES-256-GCM under DOCUMENT_PASSWORD_KEY, the
 * document's UUID as additional data (a ciphertext copied to another document does not open), a random 96-bit IV.
 * Layout: version byte 1 | IV (12) | tag (16) | ciphertext. The password is never stored in clear and never logged.
 */
const VERSION = 1;

/** DOCUMENT_PASSWORD_KEY: 32 bytes as 64 hex digits or base64. Throws a readable message otherwise. */
export function parseSecretKey(value: string): Buffer {
  const v = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32 || (!/^[0-9a-f]{64}$/i.test(v) && key.toString('base64').replace(/=+$/, '') !== v.replace(/=+$/, ''))) {
    throw new Error('must be 32 random bytes, as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)');
  }
  return key;
}

/**
 * DOCUMENT_PASSWORD_KEY as a config parser (ingest-api and ocr-worker read the same variable): blank = not set (null),
 * otherwise 32 bytes; a bad value names the variable and never echoes it.
 */
export function optionalSecretKey(raw: string, name: string): Buffer | null {
  if (raw.trim() === '') return null;
  try {
    return parseSecretKey(raw);
  } catch (err) {
    throw new Error(`${name} ${(err as Error).message}`);
  }
}

export function sealSecret(key: Buffer, documentUuid: string, plaintext: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(documentUuid.toLowerCase()));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ct]);
}

/** Null when the ciphertext does not open with this key for this document (another key, tampered, another document). */
export function openSecret(key: Buffer, documentUuid: string, sealed: Buffer): string | null {
  if (sealed.length < 29 || sealed[0] !== VERSION) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(documentUuid.toLowerCase()));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
