import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ApiErrorDto } from './api-error';

export const API_KEY_SECURITY = 'api-key';

/** The auth schemes and the error answers every /v1 route can give (on a controller). */
export function ApiV1() {
  return applyDecorators(
    ApiBearerAuth(),
    ApiSecurity(API_KEY_SECURITY),
    ApiResponse({ status: 401, description: 'Missing or wrong API key', type: ApiErrorDto }),
    ApiResponse({ status: 403, description: 'The key is bound to another project', type: ApiErrorDto }),
    ApiResponse({ status: 429, description: 'Rate limit (RATE_LIMIT_PER_MINUTE) exceeded', type: ApiErrorDto }),
    ApiResponse({ status: 503, description: 'PostgreSQL unavailable; nothing was written', type: ApiErrorDto }),
  );
}

/** Route-specific error answers, all with the API's error body. */
export function ApiErrors(...errors: Array<[number, string]>) {
  return applyDecorators(...errors.map(([status, description]) => ApiResponse({ status, description, type: ApiErrorDto })));
}
