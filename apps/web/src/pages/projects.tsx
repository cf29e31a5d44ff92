import { PageTitle } from '../ui';

// Placeholder: replaced by the page's owner (see /work/15/DESIGN.md).
export function ProjectsPage() {
  return <PageTitle>Projects</PageTitle>;
}
