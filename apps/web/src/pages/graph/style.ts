/** Colours and sizes of the graph view: node colours by entity type (the legend), typed edges apart from co-occurrence. */

/** Entity type colours, those of the app's badges (styles.css .t-TYPE), so the legend and the lists agree. */
export const TYPE_COLOURS: Record<string, string> = {
  PERSON: '#1d4ed8',
  ORG: '#7e22ce',
  CASE: '#b42318',
  COURT: '#0e7490',
  CITATION: '#a16207',
  STATUTE: '#a16207',
  DATE: '#047857',
  MONEY: '#15803d',
  LOCATION: '#9a3412',
  GPE: '#9a3412',
  CASE_NUMBER: '#9f1239',
  EMAIL: '#475569',
  PHONE: '#475569',
  URL: '#475569',
  DOCUMENT: '#64748b',
};

export const nodeColour = (type: string) => TYPE_COLOURS[type] ?? '#6b7280';

/** Radius from the mention count, on a log scale so one very frequent name does not swallow the view. */
export function nodeSize(mentionCount: number | null, kind: 'entity' | 'document'): number {
  if (kind === 'document' || mentionCount === null) return 5;
  return Math.min(18, 4 + 3 * Math.log2(1 + Math.max(0, mentionCount)));
}

/** Relationship colours: the statements of the text (typed edges) in strong colours, co-occurrence in light grey. */
export const RELATIONSHIP_COLOURS: Record<string, string> = {
  CITES: '#a16207',
  PARTY_TO: '#b42318',
  ADVERSE_TO: '#dc2626',
  REPRESENTS: '#7e22ce',
  JUDGE_OF: '#0e7490',
  DECIDED_BY: '#155e75',
  SENT: '#1d4ed8',
  RECEIVED: '#2563eb',
  IN_REPLY_TO: '#475569',
  HAS_ADDRESS: '#64748b',
  MENTIONED_IN: '#94a3b8',
  CO_OCCURS: '#c3cad4',
};

export const isTyped = (type: string) => type !== 'CO_OCCURS' && type !== 'MENTIONED_IN';

export interface EdgeStyle {
  typed: boolean;
  color: string;
  size: number;
  /** Dash pattern (pixels) drawn over the edge; 0 = solid. */
  dashSize: number;
  gapSize: number;
}

/** Typed edges solid, thicker and coloured; CO_OCCURS and MENTIONED_IN thin, light and dashed. */
export function edgeStyle(type: string, weight: number): EdgeStyle {
  const colour = RELATIONSHIP_COLOURS[type] ?? '#94a3b8';
  if (isTyped(type)) return { typed: true, color: colour, size: Math.min(5, 2.5 + Math.log2(1 + Math.max(0, weight)) / 2), dashSize: 0, gapSize: 0 };
  return { typed: false, color: colour, size: Math.min(2, 0.8 + Math.log2(1 + Math.max(0, weight)) / 3), dashSize: 4, gapSize: 3 };
}
