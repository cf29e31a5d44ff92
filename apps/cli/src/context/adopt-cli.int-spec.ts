/**
 * The CLI on the old database (OWN_LEGACY_SCHEMA, seeded): `adopt` migrates, backfills and enforces, and stops at
 * the orphans with exit 1, naming the orphans command (never "run it again"); `orphans` lists them; `orphans
 * --assign <project uuid>` puts them in that project and heals their graph rows; `enforce` then completes.
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import { redisKeys } from '@casegraph/contracts';
import {
  OWN_LEGACY_SCHEMA,
  type LegacySeed,
  type PrivateDatabase,
  buildLegacyDatabase,
  compareAfterAdoption,
  createPrivateDatabase,
  fingerprintLegacy,
  seedLegacyRows,
  spawnApp,
} from '@casegraph/testing';

describe('context adopt / orphans --assign / enforce (CLI, old database)', () => {
  let db: PrivateDatabase;
  let c: Client;
  let seed: LegacySeed;

  beforeAll(async () => {
    db = await createPrivateDatabase('h3_cli', { migrate: false });
    c = new Client({ connectionString: db.url });
    await c.connect();
    await buildLegacyDatabase(c, OWN_LEGACY_SCHEMA);
    seed = await seedLegacyRows(c, OWN_LEGACY_SCHEMA);
  }, 120_000);

  afterAll(async () => {
    await c?.end();
    await db?.drop();
  }, 60_000);

  const cli = async (...args: string[]) => {
    const p = await spawnApp({ app: 'cli', args: ['context', ...args], env: { DATABASE_URL: db.url, NODE_ENV: 'test' } });
    const { code } = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  };

  it('adopt stops at the orphans; orphans --assign heals them; enforce completes; nothing lost', async () => {
    const fingerprint = await fingerprintLegacy(c, OWN_LEGACY_SCHEMA);
    const adopted = await cli('adopt', '--batch-size', '10');
    expect(adopted.stdout).toContain('adopt 1/3: migrate');
    expect(adopted.stdout).toContain('applied AdoptLegacyDatabase1764600000000');
    expect(adopted.stdout).toContain('adopt 2/3: backfill');
    expect(adopted.stdout).toMatch(/5\. entities\s+normalizedKey=66/);
    expect(adopted.stdout).toContain(`backfill: ${seed.byCase.orphan.length} orphan document(s)`);
    expect(adopted.stdout).toContain('adopt 3/3: enforce');
    expect(adopted.stdout).toContain('enforce: NOT NULL entity_mentions.method: set');
    expect(adopted.code).toBe(1);
    expect(adopted.stderr).toContain('NOT NULL source_documents.project_uuid: 1 blocking row(s); fix: `npm run context -- orphans`');
    expect(adopted.stderr).not.toMatch(/again/i);

    const listed = await cli('orphans');
    expect(listed.code).toBe(0);
    const orphan = seed.byCase.orphan[0];
    expect(listed.stdout).toContain(`id=${orphan.id} document_uuid=${orphan.documentUuid}`);
    expect(listed.stdout).toContain('--assign <project uuid|id>');

    // An old intake entry for the orphan (no TTL) naming some other project: the move must invalidate it.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const entryKey = redisKeys.docMetadata(orphan.documentUuid);
    const versionKey = redisKeys.docMetadataVersion(orphan.documentUuid);
    const stale = {
      document_uuid: orphan.documentUuid,
      project_id: seed.projects[0].id,
      project_uuid: seed.projects[0].projectId,
      filename: 'x.pdf',
    };
    await redis.set(entryKey, JSON.stringify(stale));

    const target = seed.projects[3];
    const assigned = await cli('orphans', '--assign', target.projectId);
    expect([assigned.code, assigned.stderr]).toEqual([0, expect.any(String)]);
    expect(assigned.stdout).toContain('orphans: 1 cache entry invalidated');
    expect(await redis.get(entryKey)).toBeNull();
    expect(Number(await redis.get(versionKey))).toBeGreaterThan(0);
    await redis.del(entryKey, versionKey);
    redis.disconnect();
    expect(assigned.stdout).toContain(`orphans: ${seed.byCase.orphan.length} document(s) assigned to project ${target.id} (${target.projectId})`);
    const row = (await c.query(`SELECT project_fk_id, project_uuid::text AS u FROM source_documents WHERE id = $1`, [orphan.id])).rows[0];
    expect(row).toEqual({ project_fk_id: target.id, u: target.projectId });

    // The documents are done; what still blocks is graph rows no document's project reaches (an entity nobody
    // mentions, edges whose endpoints share no project): named, with the orphans command as the way out.
    const blocked = await cli('enforce');
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).not.toContain('NOT NULL source_documents');
    expect(blocked.stderr).toContain('NOT NULL canonical_entities.project_uuid: 1 blocking row(s); fix: `npm run context -- orphans`');
    expect(blocked.stderr).not.toMatch(/again/i);
    const quarantined = await cli('orphans', '--quarantine');
    expect(quarantined.code).toBe(0);
    expect(quarantined.stdout).toContain('orphans: 0 document(s) assigned');
    const enforced = await cli('enforce');
    expect([enforced.code, enforced.stderr]).toEqual([0, '']);
    expect((await cli('enforce')).stdout).toContain('already enforced');
    expect(await compareAfterAdoption(fingerprint, await fingerprintLegacy(c, OWN_LEGACY_SCHEMA), c)).toEqual([]);
  }, 600_000);
});
