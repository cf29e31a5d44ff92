/** Document types the pipeline accepts, judged from the bytes, never from the name. */
export type SniffedType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'image/tiff';

/**
 * Detects PDF, PNG, JPEG or TIFF from the first bytes of a file. Returns null for
 * anything else (including empty input).
 */
export function sniffFileType(head: Buffer): SniffedType | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 4) {
    const sig = head.subarray(0, 4).toString('hex');
    if (sig === '49492a00' || sig === '4d4d002a') return 'image/tiff';
  }
  // PDF readers accept the header anywhere in the first 1024 bytes.
  const window = head.subarray(0, 1024).toString('latin1');
  if (window.includes('%PDF-')) return 'application/pdf';
  return null;
}
