import { PageTitle } from '../ui';

// Placeholder: replaced by the page's owner (see /work/15/DESIGN.md).
export function GraphPage({ projectUuid }: { projectUuid: string }) {
  return <PageTitle>Graph {projectUuid}</PageTitle>;
}
