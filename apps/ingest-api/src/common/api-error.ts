import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';

/** A problem with one input field (`documents[3].s3Key`, `projectUuid`, `files[1]`). */
export class FieldErrorDto {
  @ApiProperty({ example: 'documents[0].s3Key' })
  field: string;

  @ApiProperty({ type: [String], example: ['s3Key contains a . or .. segment'] })
  messages: string[];
}

/** Every error the API answers has this shape (4xx and 5xx alike). */
export class ApiErrorDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed: documents[0].s3Key contains a . or .. segment' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
}

/** Throws-ready HttpException with the API's error body. */
export function apiError(status: HttpStatus, message: string, errors?: FieldErrorDto[]): HttpException {
  const error = httpStatusText(status);
  return new HttpException({ statusCode: status, error, message, ...(errors?.length ? { errors } : {}) }, status);
}

/** 404 for an unknown project / document / batch. */
export function notFound(kind: 'Project' | 'Document' | 'Batch', id: string): HttpException {
  return apiError(HttpStatus.NOT_FOUND, `${kind} ${id} not found`);
}

/** 400 naming one field. */
export function fieldError(field: string, message: string, status: HttpStatus = HttpStatus.BAD_REQUEST): HttpException {
  return apiError(status, `${field}: ${message}`, [{ field, messages: [message] }]);
}

export function httpStatusText(status: number): string {
  const name = HttpStatus[status];
  if (!name) return status >= 500 ? 'Server Error' : 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ')
    .replace('Uri', 'URI');
}

/** Flattens class-validator's tree into `documents[3].s3Key` style field errors. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldErrorDto[] {
  const out: FieldErrorDto[] = [];
  for (const e of errors) {
    const field = !parent ? e.property : /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`;
    const messages = Object.values(e.constraints ?? {}).map((m) => rewriteMessage(m, e.property, field));
    if (messages.length) out.push({ field, messages });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** class-validator writes "property x should not exist" and "nested property…"; keep the message, name the field. */
function rewriteMessage(message: string, property: string, field: string): string {
  if (message === `property ${property} should not exist`) return `unknown field ${field}`;
  return message;
}

/** exceptionFactory of the global ValidationPipe: 400 with one entry per field. */
export function validationExceptionFactory(errors: ValidationError[]): HttpException {
  const fields = flattenValidationErrors(errors);
  const summary = fields
    .slice(0, 5)
    .map((f) => f.messages.join(', '))
    .join('; ');
  const more = fields.length > 5 ? ` (and ${fields.length - 5} more)` : '';
  return apiError(HttpStatus.BAD_REQUEST, `Validation failed: ${summary || 'invalid input'}${more}`, fields);
}
