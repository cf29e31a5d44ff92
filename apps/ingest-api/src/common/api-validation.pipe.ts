import { ArgumentMetadata, HttpStatus, ValidationPipe } from '@nestjs/common';
import { apiError, validationExceptionFactory } from './api-error';

/**
 * The global ValidationPipe (whitelist, forbidNonWhitelisted, transform; no implicit
 * type conversion, so wrong types are refused) with field-level errors, plus one
 * rule class-validator words badly: a DTO body must be a JSON object.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      stopAtFirstError: true,
      exceptionFactory: validationExceptionFactory,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDtoBody = metadata.type === 'body' && typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (isDtoBody && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw apiError(HttpStatus.BAD_REQUEST, 'The request body must be a JSON object (Content-Type: application/json)');
    }
    // DTOs may offer a conservative fast path for large bodies (e.g. a 1,000-document manifest).
    const fast = (metadata.metatype as { fastAccept?: (v: unknown) => boolean } | undefined)?.fastAccept;
    if (isDtoBody && typeof fast === 'function' && fast(value)) {
      return Object.assign(Object.create((metadata.metatype as { prototype: object }).prototype), value);
    }
    return super.transform(value, metadata);
  }
}
