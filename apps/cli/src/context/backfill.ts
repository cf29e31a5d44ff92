import { DataSource } from 'typeorm';
import { Queryable, rowsOf } from '@casegraph/project-context';
import { chunksPhase } from './heal/chunks';
import { Catalogue, Counts, Phase, ensureAdoptionTables } from './heal/common';
import { documentsPhase } from './heal/documents';
import { edgesPhase } from './heal/edges';
import { entitiesPhase } from './heal/entities';
import { indexesPhase } from './heal/indexes';
import { mentionsPhase } from './heal/mentions';
import { projectsPhase } from './heal/projects';
import { textractPhase } from './heal/textract';
import { Progress, silentProgress } from './progress';

/** The phases of DESIGN.md "Backfill phases", in order: each one heals what the next one reads. */
export const PHASES: Phase[] = [projectsPhase, documentsPhase, chunksPhase, mentionsPhase, entitiesPhase, edgesPhase, textractPhase, indexesPhase];

/** Counts that describe the data (left as it is) rather than rows a phase changes: not part of the progress total. */
const INFO_COUNTS = new Set(['orphans', 'withoutDocument', 'duplicateGroups', 'duplicateSpans', 'blocked', 'global', 'merged', 'copies']);

export function workOf(counts: Counts): number {
  return Object.entries(counts).reduce((n, [k, v]) => (INFO_COUNTS.has(k) ? n : n + v), 0);
}

export interface PhaseReport {
  phase: string;
  counts: Counts;
  ms: number;
}

export interface BackfillResult {
  projectsHealed: number;
  documentsHealed: number;
  /** NULL or mismatched rows still left (orphans, rows locked during every pass, or written meanwhile). */
  remaining: { projects: number; documents: number };
  /** Documents whose project is missing in both columns: `npm run context -- orphans`. */
  orphans: number;
  phases: PhaseReport[];
  dryRun: boolean;
}

export interface BackfillOptions {
  batchSize?: number;
  /** Passes over a table while rows were skipped because they were locked. Default 3. */
  maxPasses?: number;
  progress?: (total: number) => Progress;
  /** Count what each phase would do; write nothing. */
  dryRun?: boolean;
  /** Only these phases (by name), e.g. after `orphans --assign`. */
  only?: string[];
}

export const COUNT_SICK_SQL = `SELECT
    (SELECT count(*) FROM projects WHERE project_uuid IS NULL)::int AS projects,
    (SELECT count(*) FROM source_documents sd LEFT JOIN projects p ON p.id = sd.project_fk_id
      WHERE sd.project_uuid IS NULL OR sd.project_uuid IS DISTINCT FROM p.project_uuid)::int AS documents`;

export async function countSick(db: Queryable): Promise<{ projects: number; documents: number }> {
  const [r] = rowsOf<{ projects: number; documents: number }>(await db.query(COUNT_SICK_SQL));
  return { projects: r.projects, documents: r.documents };
}

/**
 * Heals the adopted database online, phase by phase (DESIGN.md "Backfill phases"): in batches keyset on id, each
 * its own short transaction, rows locked by the pipeline skipped (FOR UPDATE SKIP LOCKED) and picked up by a later
 * pass. Idempotent: a second run finds nothing to do. Two backfills at once split the row phases between them and
 * take turns on the group steps (duplicates, splits, edges, indexes). updated_at is left alone (the migration's
 * keeper trigger restores it when only heal columns change). Overwritten non-NULL old values go to
 * casegraph_adoption_log, removed rows to casegraph_adoption_archive.
 */
export async function backfill(db: DataSource, opts: BackfillOptions = {}): Promise<BackfillResult> {
  const batchSize = opts.batchSize ?? 1000;
  const maxPasses = opts.maxPasses ?? 3;
  const cat = await Catalogue.read(db);
  const phases = PHASES.filter((p) => !opts.only || opts.only.includes(p.name));
  const plans: PhaseReport[] = [];
  for (const p of phases) {
    const t0 = Date.now();
    plans.push({ phase: p.name, counts: await p.plan(db, cat), ms: Date.now() - t0 });
  }
  const orphansOf = (r: PhaseReport[]) => r.find((x) => x.phase === 'documents')?.counts.orphans ?? 0;
  if (opts.dryRun) {
    return {
      projectsHealed: 0,
      documentsHealed: 0,
      remaining: cat.has('projects', 'project_uuid') ? await countSick(db) : { projects: -1, documents: -1 },
      orphans: orphansOf(plans),
      phases: plans,
      dryRun: true,
    };
  }
  await ensureAdoptionTables(db);
  const total = plans.reduce((n, p) => n + workOf(p.counts), 0);
  const bar = (opts.progress ?? silentProgress)(total);
  // The plans are counted before any phase runs, and a phase finds rows the earlier ones made healable: the bar
  // stops at its total rather than going past it (`811/702`).
  let shown = 0;
  const progress: Progress = {
    increment: (n) => {
      const k = Math.min(n, total - shown);
      if (k > 0) bar.increment(k);
      shown += Math.max(k, 0);
    },
    stop: () => bar.stop(),
  };
  const done: PhaseReport[] = [];
  try {
    for (const p of phases) {
      const t0 = Date.now();
      // Re-read the catalogue: phase 8 and the migrations of a concurrent deploy change the indexes.
      const counts = await p.run({ db, cat: p === indexesPhase ? await Catalogue.read(db) : cat, batchSize, maxPasses, progress });
      done.push({ phase: p.name, counts, ms: Date.now() - t0 });
    }
  } finally {
    progress.stop();
  }
  const get = (phase: string) => done.find((x) => x.phase === phase)?.counts ?? {};
  const proj = get('projects');
  const docs = get('documents');
  return {
    projectsHealed: (proj.adopted ?? 0) + (proj.generated ?? 0),
    documentsHealed: (docs.fkFromUuid ?? 0) + (docs.uuidFromFk ?? 0),
    remaining: await countSick(db),
    orphans: orphansOf(done),
    phases: done,
    dryRun: false,
  };
}

/** The phases as lines for a human (the CLI prints them). */
export function formatPhases(phases: PhaseReport[], dryRun: boolean): string {
  return phases
    .map((p, i) => {
      const counts = Object.entries(p.counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return `  ${i + 1}. ${p.phase.padEnd(10)} ${counts}${dryRun ? '' : ` (${p.ms} ms)`}`;
    })
    .join('\n');
}
