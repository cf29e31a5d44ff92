import { HttpException } from '@nestjs/common';
import { ApiValidationPipe } from '../common/api-validation.pipe';
import { UpdateEntityDto } from './curation.dto';

/** PATCH entities/:entityUuid bodies through the API's real validation pipe. */
describe('UpdateEntityDto', () => {
  const pipe = new ApiValidationPipe();
  const validate = (body: unknown) => pipe.transform(body, { type: 'body', metatype: UpdateEntityDto });

  it.each([{ canonicalName: null }, { entityType: null }, { aliases: null }, { canonicalName: 'Dana Whitcombe', aliases: null }])(
    'refuses null for a field (%j) with a 400 naming it: a field is either sent with a value or left out',
    async (body) => {
      const err = (await validate(body).catch((e: unknown) => e)) as HttpException;
      expect(err).toBeInstanceOf(HttpException);
      expect(err.getStatus()).toBe(400);
      const field = Object.keys(body).find((k) => (body as Record<string, unknown>)[k] === null)!;
      expect(JSON.stringify(err.getResponse())).toContain(field);
    },
  );

  it('accepts each field alone, and leaving fields out', async () => {
    await expect(validate({ canonicalName: 'Dana Whitcombe' })).resolves.toMatchObject({ canonicalName: 'Dana Whitcombe' });
    await expect(validate({ entityType: 'ORG' })).resolves.toMatchObject({ entityType: 'ORG' });
    await expect(validate({ aliases: [] })).resolves.toMatchObject({ aliases: [] });
    const none = (await validate({ canonicalName: 'Dana Whitcombe' })) as UpdateEntityDto;
    expect(none.entityType).toBeUndefined();
    expect(none.aliases).toBeUndefined();
  });
});
