import { DOCUMENT_STATUSES, DocumentStatus } from '@casegraph/contracts';
import type { DocumentCountsDto } from '../documents/document.dto';

export function emptyCounts(): DocumentCountsDto {
  return { pending: 0, processing: 0, completed: 0, failed: 0, total: 0 };
}

export function addCount(counts: DocumentCountsDto, status: string, n: number): void {
  if ((DOCUMENT_STATUSES as readonly string[]).includes(status)) counts[status as DocumentStatus] += n;
  counts.total += n;
}
