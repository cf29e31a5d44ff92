import { Param, ParseUUIDPipe } from '@nestjs/common';
import { fieldError } from './api-error';

/** A path parameter that must be a UUID: 400 naming the parameter otherwise. Returned lower-cased. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(name, new ParseUUIDPipe({ exceptionFactory: () => fieldError(name, `${name} must be a UUID`) }), {
    transform: (v: string) => v.toLowerCase(),
  });
}
