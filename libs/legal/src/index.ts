export * from './types';
export * from './normalize';
export * from './legal-text';
export * from './citations/case-citations';
export { normalizeSignal, signalBefore } from './citations/signals';
export * from './statutes/statutes';
export * from './courts/courts';
export * from './people/people';
export { STATES as US_STATES } from './people/names';
