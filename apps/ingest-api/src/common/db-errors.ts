import { errorCodes } from '@casegraph/pipeline';

/**
 * Classifies errors thrown by the pg driver / TypeORM so the API can answer 503
 * (database unreachable: retry later) instead of 500.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  // PostgreSQL SQLSTATEs: connection exceptions, shutdown, too many connections, timeouts.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
]);

const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /not queryable/i,
  /Connection is not established/i,
  /the database system is (starting up|shutting down)/i,
  /Cannot use a pool after calling end/i,
];

function messagesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 3) return [];
  const e = err as { message?: unknown; driverError?: unknown; cause?: unknown };
  const own = typeof e.message === 'string' ? [e.message] : [];
  return [...own, ...messagesOf(e.driverError, depth + 1), ...messagesOf(e.cause, depth + 1)];
}

/** True when the error means "PostgreSQL is unreachable or going away", not "the query is wrong". */
export function isDatabaseUnavailableError(err: unknown): boolean {
  if (errorCodes(err).some((c) => CONNECTION_CODES.has(c))) return true;
  return messagesOf(err).some((m) => CONNECTION_MESSAGES.some((re) => re.test(m)));
}
