import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import fc from 'fast-check';
import { CreateBatchDto } from './batch.dto';

async function classValidatorAccepts(value: unknown): Promise<boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const errors = await validate(plainToInstance(CreateBatchDto, value) as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return errors.length === 0;
}

const validDoc = (i: number) => ({
  filename: `doc-${i}.pdf`,
  s3Bucket: 'casegraph-intake',
  s3Key: `incoming/2026/doc-${i}.pdf`,
  fileSizeMb: 1.5,
  mimeType: 'application/pdf',
});

describe('CreateBatchDto.fastAccept (the fast path of the ValidationPipe)', () => {
  it('accepts an ordinary 1,000-document manifest', () => {
    const body = { projectUuid: '3f1e2b8c-1111-4222-8333-444455556666', documents: Array.from({ length: 1000 }, (_, i) => validDoc(i)) };
    expect(CreateBatchDto.fastAccept(body)).toBe(true);
  });

  it.each([
    ['unknown top-level field', { x: 1 }],
    ['unknown document field', { documents: [{ ...validDoc(0), owner: 'me' }] }],
    ['unsafe key', { documents: [{ ...validDoc(0), s3Key: '../x' }] }],
    ['string size', { documents: [{ ...validDoc(0), fileSizeMb: '1' }] }],
    ['empty documents', { documents: [] }],
    ['null optional (left to class-validator)', { documents: [{ ...validDoc(0), mimeType: null }] }],
  ])('declines: %s', (_, patch) => {
    expect(CreateBatchDto.fastAccept({ projectUuid: '3f1e2b8c-1111-4222-8333-444455556666', documents: [validDoc(0)], ...patch })).toBe(false);
  });

  it('never accepts what class-validator refuses (property-based)', async () => {
    const str = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ' ', '..', '/', 'a/../b', 'x'.repeat(1025), 'a\u0000b', 'A_B'));
    // Mostly valid values, sometimes a wrong one: both sides of the boundary get exercised.
    const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
    const field = {
      filename: mostly(fc.constantFrom('a.pdf', 'ü.pdf', '../x.pdf', 'x'.repeat(1024)), fc.oneof(str, fc.integer(), fc.constant(null))),
      s3Bucket: mostly(
        fc.constantFrom('casegraph-intake', 'abc', 'a.b.c', 'x1-y2'),
        fc.oneof(fc.constantFrom('ab', '192.168.1.1', 'Upper', '-bad'), str),
      ),
      s3Key: mostly(
        fc.constantFrom('incoming/a.pdf', 'a', 'a..b/c', 'dir/f g.pdf'),
        fc.oneof(fc.constantFrom('./a', '/a', 'a\\b', 'C:/x', ''), str, fc.integer()),
      ),
      fileSizeMb: mostly(
        fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.nat()),
        fc.oneof(fc.double(), fc.constantFrom(-1, NaN, Infinity, '1', null)),
      ),
      mimeType: mostly(
        fc.constantFrom('application/pdf', 'image/png', 'image/jpeg', 'image/tiff'),
        fc.oneof(fc.constantFrom('text/plain', null), str),
      ),
    };
    const doc = fc.oneof(
      { arbitrary: fc.record(field, { requiredKeys: ['filename', 's3Bucket', 's3Key'] }), weight: 8 },
      { arbitrary: fc.record({ ...field, extra: fc.anything() }, { requiredKeys: [] }), weight: 1 },
      { arbitrary: fc.anything(), weight: 1 },
    );
    const body = fc.oneof(
      {
        arbitrary: fc.record({
          projectUuid: mostly(fc.oneof(fc.uuid(), fc.constant('3F1E2B8C-1111-4222-8333-444455556666')), fc.oneof(str, fc.integer())),
          documents: mostly(fc.array(doc, { minLength: 1, maxLength: 4 }), fc.oneof(fc.constant([]), fc.anything())),
        }),
        weight: 8,
      },
      { arbitrary: fc.anything(), weight: 1 },
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        if (!CreateBatchDto.fastAccept(b)) return true;
        accepted++;
        return classValidatorAccepts(b);
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the fast path often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(20);
  });
});
