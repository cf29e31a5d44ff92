import { ValidationError } from 'class-validator';
import { flattenValidationErrors, validationExceptionFactory } from './api-error';

const ve = (property: string, constraints?: Record<string, string>, children: ValidationError[] = []): ValidationError =>
  Object.assign(new ValidationError(), { property, constraints, children });

describe('validation errors', () => {
  const tree = [
    ve('projectUuid', { isUuid: 'projectUuid must be a UUID' }),
    ve('documents', undefined, [
      ve('3', undefined, [
        ve('s3Key', { isSafeStorageKey: 's3Key is invalid: is an absolute path' }),
        ve('owner', { whitelistValidation: 'property owner should not exist' }),
      ]),
    ]),
  ];

  it('flattens nested errors into documents[3].s3Key style fields', () => {
    expect(flattenValidationErrors(tree)).toEqual([
      { field: 'projectUuid', messages: ['projectUuid must be a UUID'] },
      { field: 'documents[3].s3Key', messages: ['s3Key is invalid: is an absolute path'] },
      { field: 'documents[3].owner', messages: ['unknown field documents[3].owner'] },
    ]);
  });

  it('builds a 400 with a readable summary and every field', () => {
    const body = validationExceptionFactory(tree).getResponse() as Record<string, unknown>;
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed: projectUuid must be a UUID; s3Key is invalid: is an absolute path; unknown field documents[3].owner',
      errors: expect.any(Array),
    });
  });
});
