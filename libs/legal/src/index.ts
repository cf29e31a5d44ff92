export * from './types';
export * from './legal-text';
export * from './citations/case-citations';
export * from './statutes/statutes';
export * from './courts/courts';
export * from './people/people';
