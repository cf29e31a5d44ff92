import type { ValueTransformer } from 'typeorm';

/** The string elements of a stored aliases value, in order; anything else (NULL, '{}', 'null', a number) reads as []. */
export function aliasesFromDatabase(value: unknown): string[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * canonical_entities.aliases is jsonb (the old system's type, and ours since migration 1764700000000).
 * Read tolerantly (old rows hold whatever the old code wrote); written as a JSON array of strings.
 */
export const aliasesTransformer: ValueTransformer = {
  from: aliasesFromDatabase,
  to: (value: unknown) => (value === undefined ? undefined : aliasesFromDatabase(value ?? [])),
};

/**
 * A number column that may be `numeric` in an adopted database (pg returns numeric as a string) and
 * `real` in ours: read as a JS number (NULL stays NULL; a value that is not a number reads as NULL).
 */
export const numberTransformer: ValueTransformer = {
  from: (value: unknown) => {
    if (value === null || value === undefined) return null;
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(n) ? n : null;
  },
  to: (value: unknown) => value,
};
