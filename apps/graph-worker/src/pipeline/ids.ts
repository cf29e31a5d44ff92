import { createHash } from 'node:crypto';

/** RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace is not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Chunk and mention ids are derived from the document and the span, so re-processing
 * the same text writes the same ids (and the evidence ids on edges stay valid).
 */
export const chunkUuidOf = (documentUuid: string, index: number, start: number, end: number) =>
  uuidV5(`chunk:${index}:${start}:${end}`, documentUuid);

export const mentionUuidOf = (documentUuid: string, type: string, start: number, end: number) =>
  uuidV5(`mention:${type}:${start}:${end}`, documentUuid);
