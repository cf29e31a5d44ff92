import type { LegalMention } from '../types';

/** Statutes, constitutions, regulations, court rules, guidelines, session laws. Being written (issue 12). */
export function findStatutes(text: string): LegalMention[] {
  void text;
  return [];
}

/** The STATUTE key of a statute citation string, or undefined. */
export function statuteKey(text: string): string | undefined {
  void text;
  return undefined;
}
