import type { Queue } from 'bull';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import request from 'supertest';
import type { TestApp } from './test-app';
import { uniqueName } from './test-app';

/** Every file under a folder (relative paths, sorted). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** Jobs of a queue in any state. */
export async function jobTotal(queue: Queue): Promise<number> {
  const c = await queue.getJobCounts();
  return Object.values(c).reduce((a, b) => a + (b as number), 0);
}

/** Rows, stored files and jobs: compared before/after a refused request ("nothing written"). */
export async function footprint(t: TestApp, projectId?: number) {
  const rows: Array<{ n: number }> = projectId
    ? await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [projectId])
    : [{ n: 0 }];
  return {
    rows: rows[0].n,
    files: await filesUnder(t.storageDir),
    ocrJobs: await jobTotal(t.ocrQueue),
    graphJobs: await jobTotal(t.graphQueue),
  };
}

/** Creates a project through the API; remembers its id in `ids` for cleanup. */
export async function createProject(
  t: TestApp,
  ids: number[],
  label = 'p',
  headers: Record<string, string> = {},
): Promise<{ id: number; projectUuid: string; name: string }> {
  const res = await request(t.http)
    .post('/v1/projects')
    .set(headers)
    .send({ name: uniqueName(label) });
  if (res.status !== 201) throw new Error(`project not created: ${res.status} ${JSON.stringify(res.body)}`);
  ids.push(res.body.id);
  return res.body;
}

/**
 * Leaves a job with jobId = documentUuid in the completed or failed set, as a worker's last
 * attempt would. Only that job is touched (a real worker would also take other waiting jobs):
 * it is moved to active by hand and finished with Bull's own moveToCompleted/moveToFailed.
 */
export async function finishJob(_t: TestApp, queue: Queue, jobName: string, documentUuid: string, outcome: 'completed' | 'failed'): Promise<void> {
  await queue.add(jobName, { documentUuid }, { jobId: documentUuid, attempts: 1 });
  await queue.client.multi().lrem(queue.toKey('wait'), 0, documentUuid).lpush(queue.toKey('active'), documentUuid).exec();
  const job = (await queue.getJob(documentUuid))!;
  if (outcome === 'completed') await job.moveToCompleted('done', true, true);
  else await job.moveToFailed({ message: 'simulated worker failure' }, true);
}
