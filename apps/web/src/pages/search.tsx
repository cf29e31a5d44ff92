import { PageTitle } from '../ui';

// Placeholder: replaced by the page's owner (see /work/15/DESIGN.md).
export function SearchPage({ projectUuid }: { projectUuid: string }) {
  return <PageTitle>Search {projectUuid}</PageTitle>;
}
