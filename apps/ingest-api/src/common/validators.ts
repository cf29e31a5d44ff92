import { ValidationOptions, registerDecorator } from 'class-validator';
import { assertSafeKey } from '@casegraph/storage';

/** Why a client-given storage key is refused (assertSafeKey's reason), or null when it is safe. */
export function storageKeyProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  try {
    assertSafeKey(value);
    return null;
  } catch (err) {
    const m = (err as Error).message;
    return m.slice(m.lastIndexOf(': ') + 2);
  }
}

/** A relative object key with no `..`/`.` segment, no NUL/control character, no backslash, not absolute. */
export function IsSafeStorageKey(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSafeStorageKey',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => storageKeyProblem(value) === null,
        defaultMessage: (args) => `${args?.property} is invalid: ${storageKeyProblem(args?.value)}`,
      },
    });
}

/** S3 bucket naming rules (3-63 chars, lowercase letters, digits, dots, hyphens; starts/ends alphanumeric). */
export const S3_BUCKET_RE = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
