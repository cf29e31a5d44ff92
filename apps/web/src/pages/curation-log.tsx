import { PageTitle } from '../ui';

// Placeholder: replaced by the page's owner (see /work/15/DESIGN.md).
export function CurationLogPage({ projectUuid }: { projectUuid: string }) {
  return <PageTitle>Curation log {projectUuid}</PageTitle>;
}
