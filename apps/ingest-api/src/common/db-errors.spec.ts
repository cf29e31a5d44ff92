import { QueryFailedError } from 'typeorm';
import { sqlState } from '@casegraph/pipeline';
import { isDatabaseUnavailableError } from './db-errors';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailableError', () => {
  it.each([
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['AggregateError of ECONNREFUSED (IPv4 + IPv6)', Object.assign(new AggregateError([pgError('ECONNREFUSED')], ''), { code: undefined })],
    ['admin shutdown 57P01', pgError('57P01', 'terminating connection due to administrator command')],
    ['cannot connect now 57P03', pgError('57P03', 'the database system is starting up')],
    ['connection exception 08006', pgError('08006')],
    ['too many connections 53300', pgError('53300')],
    ['statement timeout 57014', pgError('57014')],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['wrapped by TypeORM', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
  ])('%s -> unavailable', (_, err) => {
    expect(isDatabaseUnavailableError(err)).toBe(true);
  });

  it.each([
    ['unique violation', pgError('23505', 'duplicate key')],
    ['syntax error', new QueryFailedError('SELEC', [], pgError('42601'))],
    ['plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('%s -> not unavailable', (_, err) => {
    expect(isDatabaseUnavailableError(err)).toBe(false);
  });
});

describe("sqlState (the pipeline's, as the API uses it)", () => {
  it('finds the SQLSTATE, also inside TypeORM errors, and ignores errno names', () => {
    expect(sqlState(new QueryFailedError('x', [], pgError('23505')))).toBe('23505');
    expect(sqlState(pgError('22P02'))).toBe('22P02');
    expect(sqlState(pgError('EPIPE'))).toBeUndefined();
    expect(sqlState(new Error('x'))).toBeUndefined();
  });
});
