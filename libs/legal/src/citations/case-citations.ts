import type { LegalMention } from '../types';

/** Case citations (full, short form, Id., supra) and case names. Being written (issue 12). */
export function findCaseCitations(text: string): LegalMention[] {
  void text;
  return [];
}

/** The CASE key of a citation string ("550 U.S. 544, 570 (2007)" -> "550 us 544"), or undefined. */
export function caseCitationKey(text: string): string | undefined {
  void text;
  return undefined;
}
