/**
 * The one text normaliser behind every entity key: Unicode compatibility form, accents dropped, lower case,
 * typographic apostrophes read as "'", "&" -> "and", possessive "'s" dropped, punctuation -> space, white
 * space collapsed. The legal grammar's keys are built on it, and @casegraph/contracts re-exports it as the
 * base of normalizeEntity and the API's search keys, so the worker and the API read text one way.
 */
export function basicNormalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/&/g, ' and ')
    .replace(/'s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
