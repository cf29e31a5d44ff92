import { PageTitle } from '../ui';

// Placeholder: replaced by the page's owner (see /work/15/DESIGN.md).
export function DocumentPage({ projectUuid, documentUuid }: { projectUuid: string; documentUuid: string }) {
  return (
    <PageTitle>
      Document {projectUuid} {documentUuid}
    </PageTitle>
  );
}
