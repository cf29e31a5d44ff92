import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { InvalidStorageKeyError, StorageNotFoundError, StorageTooLargeError } from '@casegraph/storage';
import { ApiErrorDto, FieldErrorDto, httpStatusText } from './api-error';
import { sqlState } from '@casegraph/pipeline';
import { isDatabaseUnavailableError } from './db-errors';

const logger = new Logger('ApiExceptionFilter');

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable, so nothing was written. Retry in a few seconds.';

/** Maps anything thrown to the API's JSON error body. Never leaks a stack trace or an internal message. */
export function toErrorResponse(
  exception: unknown,
  req?: Pick<Request, 'method' | 'originalUrl' | 'url'>,
): {
  status: number;
  body: ApiErrorDto;
  headers?: Record<string, string>;
} {
  const where = req ? `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0]}` : '';

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const raw = exception.getResponse();
    const obj = (typeof raw === 'object' && raw !== null ? raw : { message: raw }) as {
      message?: unknown;
      error?: unknown;
      errors?: unknown;
    };
    const message = Array.isArray(obj.message)
      ? obj.message.map(String).join('; ')
      : typeof obj.message === 'string'
        ? obj.message
        : exception.message;
    const body: ApiErrorDto = {
      statusCode: status,
      error: typeof obj.error === 'string' ? obj.error : httpStatusText(status),
      message,
      ...(Array.isArray(obj.errors) ? { errors: obj.errors as FieldErrorDto[] } : {}),
    };
    if (status >= 500) logger.error(`${where} -> ${status}: ${message}`);
    return { status, body };
  }

  // Errors raised by body-parser (express.json): malformed JSON, too large, bad charset.
  const bp = exception as { type?: unknown; status?: unknown; expose?: unknown; limit?: unknown };
  if (typeof bp?.type === 'string' && typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) {
    const status = bp.status;
    const message =
      bp.type === 'entity.parse.failed'
        ? 'Malformed JSON body'
        : bp.type === 'entity.too.large'
          ? `Body larger than the limit of ${Math.floor(Number(bp.limit) / 1024)} KiB (${Number(bp.limit)} bytes)`
          : bp.type === 'entity.too.deep' && exception instanceof Error
            ? exception.message // JsonTooDeepError: names the depth limit
            : bp.type === 'charset.unsupported' || bp.type === 'encoding.unsupported'
              ? 'Unsupported body encoding or charset'
              : bp.type === 'request.aborted'
                ? 'Request aborted by the client'
                : httpStatusText(status);
    return { status, body: { statusCode: status, error: httpStatusText(status), message } };
  }

  if (exception instanceof InvalidStorageKeyError) return simple(HttpStatus.BAD_REQUEST, exception.message);
  if (exception instanceof StorageTooLargeError) return simple(HttpStatus.PAYLOAD_TOO_LARGE, exception.message);
  if (exception instanceof StorageNotFoundError) return simple(HttpStatus.NOT_FOUND, 'Object not found in storage');

  if (isDatabaseUnavailableError(exception)) {
    logger.warn(`${where} -> 503: database unavailable (${(exception as Error)?.message})`);
    return { ...simple(HttpStatus.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE), headers: { 'Retry-After': '5' } };
  }

  const state = sqlState(exception);
  if (state === '23505') return simple(HttpStatus.CONFLICT, 'Conflicting concurrent change; retry the request');
  if (state === '40001' || state === '40P01') {
    return { ...simple(HttpStatus.SERVICE_UNAVAILABLE, 'Concurrent update conflict; retry the request'), headers: { 'Retry-After': '1' } };
  }
  if (state?.startsWith('22')) return simple(HttpStatus.BAD_REQUEST, 'Invalid input value');

  const err = exception as Error;
  logger.error(`${where} -> 500: ${err?.message ?? String(exception)}`, err?.stack);
  return simple(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

function simple(status: number, message: string): { status: number; body: ApiErrorDto } {
  return { status, body: { statusCode: status, error: httpStatusText(status), message } };
}

function send(res: Response, r: ReturnType<typeof toErrorResponse>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  res.status(r.status).json(r.body);
}

/** Global filter for everything thrown inside Nest (guards, pipes, handlers). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    send(http.getResponse<Response>(), toErrorResponse(exception, http.getRequest<Request>()));
  }
}

/** Express error middleware for errors raised before Nest's pipeline (body parsing). */
export function expressErrorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  send(res, toErrorResponse(err, req));
}
