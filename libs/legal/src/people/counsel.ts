import type { LegalMention } from '../types';
import type { LegalPeopleContext } from './context';

/** Being written (issue 12). */
export function findCounsel(text: string, context: LegalPeopleContext): LegalMention[] {
  void text;
  void context;
  return [];
}
