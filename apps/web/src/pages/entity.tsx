import { PageTitle } from '../ui';

// Placeholder: replaced by the page's owner (see /work/15/DESIGN.md).
export function EntityPage({ projectUuid, entityUuid }: { projectUuid: string; entityUuid: string }) {
  return (
    <PageTitle>
      Entity {projectUuid} {entityUuid}
    </PageTitle>
  );
}
