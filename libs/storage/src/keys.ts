import { InvalidStorageKeyError } from './storage.types';

/**
 * Makes a user-supplied filename safe as one path segment: no separators, no
 * control characters, no leading dots, bounded length. Keeps the extension.
 */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- strips control characters from file names
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (clean.length > 200) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
    clean = clean.slice(0, 200 - ext.length) + ext;
  }
  return clean || 'file';
}

/** `documents/{projectUuid}/{documentUuid}/{safe filename}` */
export function documentObjectKey(projectUuid: string, documentUuid: string, filename: string): string {
  return `documents/${projectUuid}/${documentUuid}/${safeFilename(filename)}`;
}

/**
 * Validates a key given by a client (e.g. a batch manifest's s3Key): relative,
 * no `..` segment, no NUL or control characters, no backslashes, bounded length.
 * Returns the key unchanged when valid.
 */
export function assertSafeKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStorageKeyError(String(key), 'empty');
  if (key.length > 1024) throw new InvalidStorageKeyError(key, 'longer than 1024 characters');
  // eslint-disable-next-line no-control-regex -- a storage key must not contain control characters
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidStorageKeyError(key, 'contains a control character');
  if (key.includes('\\')) throw new InvalidStorageKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new InvalidStorageKeyError(key, 'is an absolute path');
  if (/^[a-zA-Z]:/.test(key)) throw new InvalidStorageKeyError(key, 'is an absolute path');
  if (key.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw new InvalidStorageKeyError(key, 'contains a . or .. segment');
  }
  return key;
}
