/** What every fault scenario shares: the document mix, the fault-free baseline and the final assertions. */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { waitFor } from '@casegraph/testing';
import { GraphSnapshot, IngestedProject, PipelineStack, graphSnapshot, integrityReport, waitUntilDone } from '../support/pipeline-harness';

/**
 * Two projects of generated filings: text PDFs (fast) and one corrupt PDF. The motion is in both projects,
 * so a row landing in the wrong project would show up as a graph difference.
 */
export const PLAN = [
  { label: 'A', files: ['complaint.pdf', 'motion.pdf', 'corrupt.pdf'] },
  { label: 'B', files: ['order.pdf', 'motion.pdf'] },
];
export const DOCUMENTS = PLAN.reduce((n, p) => n + p.files.length, 0);

/** Short reconciler/sweeper periods so recovery happens within a test (the defaults are 30 s / 60 s / 600 s). */
export const FAST_RECOVERY_ENV = {
  RECONCILE_INTERVAL_SECONDS: '1',
  RECONCILE_MIN_AGE_SECONDS: '1',
  SWEEP_INTERVAL_SECONDS: '1',
  STAGE_TIMEOUT_SECONDS: '4',
  MAX_STAGE_ATTEMPTS: '5',
  ENQUEUE_TIMEOUT_MS: '500',
};

/**
 * The graph of PLAN run fault-free (compare scenarios to this). Computed once per test run, by the first
 * scenario that asks, on its own stack before any fault; the others read it from disk (keyed by the run
 * and PLAN). A snapshot is keyed by project label and file name, so it compares across stacks.
 */
export async function baseline(stack: PipelineStack): Promise<GraphSnapshot> {
  const compute = async () => {
    const projects = await stack.ingest(PLAN);
    await waitUntilDone(stack.db, projects, 180_000);
    return graphSnapshot(stack.db, projects);
  };
  // CASEGRAPH_FAULT_BASELINE=per-scenario: each scenario computes its own, on its own stack (to tell a
  // scenario's fault from a graph that depends on the order the documents were processed in).
  return process.env.CASEGRAPH_FAULT_BASELINE === 'per-scenario' ? compute() : sharedBaseline(compute);
}

/** The baseline file of this run: CASEGRAPH_TEST_RUN is set once per jest run (test/support/global-setup.ts). */
function baselineFile(): string {
  const run = process.env.CASEGRAPH_TEST_RUN ?? `pid-${process.pid}`;
  const key = createHash('sha256').update(JSON.stringify({ run, PLAN })).digest('hex').slice(0, 16);
  return join(tmpdir(), `casegraph-fault-baseline-${key}.json`);
}

async function sharedBaseline(compute: () => Promise<GraphSnapshot>): Promise<GraphSnapshot> {
  const file = baselineFile();
  const lock = `${file}.lock`;
  for (;;) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as GraphSnapshot;
    let mine = false;
    try {
      closeSync(openSync(lock, 'wx'));
      mine = true;
    } catch {
      // Another scenario (another worker) is computing it: wait for its file, or for its lock to go (it failed).
      await waitFor(() => existsSync(file) || !existsSync(lock), { timeoutMs: 300_000, intervalMs: 250, what: 'the shared fault-free baseline' });
    }
    if (!mine) continue;
    try {
      const t0 = Date.now();
      const snap = await compute();
      console.info(`[faults] baseline: computed once in ${((Date.now() - t0) / 1000).toFixed(1)}s, shared by this run's scenarios`);
      writeFileSync(`${file}.tmp`, JSON.stringify(snap));
      renameSync(`${file}.tmp`, file);
      return snap;
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

export interface ScenarioFigures {
  scenario: string;
  documents: number;
  completed: number;
  failed: number;
  duplicates: number;
  recoverMs: number;
}

/**
 * The end-of-scenario assertions: every document completed, or failed with a reason where the input
 * was bad (corrupt.pdf only); right project_uuid everywhere; no duplicates; the graph equals the baseline.
 * Prints one summary line and returns the figures.
 */
export async function assertScenario(
  name: string,
  db: DataSource,
  projects: IngestedProject[],
  base: GraphSnapshot,
  recoverMs: number,
): Promise<ScenarioFigures> {
  const docs: Array<{ original_file_name: string; status: string; error_message: string | null }> = await db.query(
    `SELECT original_file_name, status, error_message FROM source_documents WHERE project_uuid = ANY($1::uuid[])`,
    [projects.map((p) => p.projectUuid)],
  );
  expect(docs).toHaveLength(DOCUMENTS);
  for (const d of docs) {
    if (d.original_file_name === 'corrupt.pdf') {
      expect(d.status).toBe('failed');
      expect(d.error_message).toBeTruthy();
      expect(d.error_message).not.toMatch(/^stuck in/);
    } else {
      expect({ file: d.original_file_name, status: d.status, error: d.error_message }).toEqual({
        file: d.original_file_name,
        status: 'completed',
        error: null,
      });
    }
  }
  const integrity = await integrityReport(db, projects);
  expect(integrity).toEqual(Object.fromEntries(Object.keys(integrity).map((k) => [k, 0])));
  const snap = await graphSnapshot(db, projects);
  expect(Object.keys(snap.entities).length).toBeGreaterThan(10);
  expect(snap).toEqual(base);
  const duplicates = integrity.duplicateChunks + integrity.duplicateMentions + integrity.duplicateEntities + integrity.duplicateEdges;
  const figures: ScenarioFigures = {
    scenario: name,
    documents: docs.length,
    completed: docs.filter((d) => d.status === 'completed').length,
    failed: docs.filter((d) => d.status === 'failed').length,
    duplicates,
    recoverMs,
  };
  console.info(
    `[faults] ${name}: documents=${figures.documents} completed=${figures.completed} failed=${figures.failed} ` +
      `duplicates=${duplicates} entities=${Object.keys(snap.entities).length} edges=${Object.keys(snap.edges).length} ` +
      `recover=${(recoverMs / 1000).toFixed(1)}s`,
  );
  return figures;
}

/** True once some document of the projects has started OCR (mid-run fault points). */
export async function ocrStarted(db: DataSource, projects: IngestedProject[]): Promise<boolean> {
  const rows: Array<{ n: number }> = await db.query(
    `SELECT count(*)::int AS n FROM source_documents WHERE project_uuid = ANY($1::uuid[]) AND ocr_status <> 'pending'`,
    [projects.map((p) => p.projectUuid)],
  );
  return rows[0].n > 0;
}
