import { BadRequestException, HttpStatus, Logger, NotFoundException } from '@nestjs/common';
import { InvalidStorageKeyError, StorageTooLargeError } from '@casegraph/storage';
import { apiError } from './api-error';
import { DATABASE_UNAVAILABLE_MESSAGE, toErrorResponse } from './api-exception.filter';
import { JsonTooDeepError } from './json-depth';

describe('toErrorResponse', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps the API error body of HttpExceptions, including field errors', () => {
    const r = toErrorResponse(apiError(HttpStatus.CONFLICT, 'not failed', [{ field: 'x', messages: ['y'] }]));
    expect(r).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'not failed', errors: [{ field: 'x', messages: ['y'] }] },
    });
  });

  it("normalises Nest's own exceptions (array messages, string bodies)", () => {
    expect(toErrorResponse(new BadRequestException(['a is bad', 'b is bad'])).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'a is bad; b is bad',
    });
    expect(toErrorResponse(new NotFoundException('Cannot GET /v1/x')).body.message).toBe('Cannot GET /v1/x');
  });

  it.each([
    [{ type: 'entity.parse.failed', status: 400, message: 'Unexpected token } in JSON at position 7' }, 400, 'Malformed JSON body'],
    [{ type: 'entity.too.large', status: 413, limit: 4096 * 1024 }, 413, 'Body larger than the limit of 4096 KiB (4194304 bytes)'],
    [new JsonTooDeepError(32), 400, 'JSON body nested deeper than 32 levels (JSON_MAX_DEPTH)'],
    [{ type: 'charset.unsupported', status: 415 }, 415, 'Unsupported body encoding or charset'],
  ])('maps body-parser error %j', (err, status, message) => {
    expect(toErrorResponse(err)).toEqual({ status, body: { statusCode: status, error: expect.any(String), message } });
  });

  it('maps storage errors to 400 / 413', () => {
    expect(toErrorResponse(new InvalidStorageKeyError('../x', 'contains a . or .. segment')).status).toBe(400);
    expect(toErrorResponse(new StorageTooLargeError(10)).status).toBe(413);
  });

  it('maps an unreachable database to 503 with Retry-After', () => {
    const r = toErrorResponse(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(r).toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: DATABASE_UNAVAILABLE_MESSAGE },
      headers: { 'Retry-After': '5' },
    });
  });

  it('answers anything else with a JSON 500 that leaks neither the message nor the stack (but logs them)', () => {
    const err = new Error('secret internals at /srv/app.js:12');
    const r = toErrorResponse(err, { method: 'POST', originalUrl: '/v1/batches?x=1', url: '/v1/batches' });
    expect(r).toEqual({ status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' } });
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('POST /v1/batches -> 500: secret internals'), err.stack);
  });
});
