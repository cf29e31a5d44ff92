/**
 * The Content-Type of GET /v1/documents/:documentUuid/file. Upload records `detected_file_type` from the first bytes
 * (detectFormat), so a ZIP or OLE file is stored with its container's type until the OCR stage identifies the whole
 * file (a DOCX is a ZIP, an MSG an OLE file). Until then (or when the stage failed before identifying it) the client's
 * declared type is served when it is one such a container can be; otherwise the container's own type for a ZIP, and
 * application/octet-stream for an OLE file (no browser or tool can open a bare "OLE storage").
 */

/** detectFormat's container types (libs/formats detect.ts; content-type.spec.ts checks they agree). */
export const ZIP_CONTAINER_MIME = 'application/zip';
export const OLE_CONTAINER_MIME = 'application/x-ole-storage';

/** Types a ZIP container may turn out to be. */
const ZIP_FAMILY = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/** Types an OLE container may turn out to be. */
const OLE_FAMILY = new Set(['application/vnd.ms-outlook', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint']);

/** A stored type usable as a header value (a bare `type/subtype`), else null. */
export function safeContentType(v: string | null | undefined): string | null {
  return v && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(v.trim()) ? v.trim() : null;
}

/** The stored detected type, then the declared one, then application/octet-stream; a container's type as above. */
export function fileContentType(detected: string | null, declared: string | null): string {
  const d = safeContentType(detected);
  const c = safeContentType(declared);
  const family = d?.toLowerCase() === ZIP_CONTAINER_MIME ? ZIP_FAMILY : d?.toLowerCase() === OLE_CONTAINER_MIME ? OLE_FAMILY : null;
  if (family) return c && family.has(c.toLowerCase()) ? c : family === ZIP_FAMILY ? ZIP_CONTAINER_MIME : 'application/octet-stream';
  return d ?? c ?? 'application/octet-stream';
}
