import { randomUUID } from 'node:crypto';
import { useWorld } from './testing/world';

describe('ProjectContextService.ensureProject (real PostgreSQL)', () => {
  const w = useWorld();

  it('20 concurrent calls with one id: one row, one UUID, and the sequence kept ahead of the id', async () => {
    const [{ max }] = await w.t.db.query(`SELECT COALESCE(MAX(id), 0)::int AS max FROM projects`);
    const id = max + 1000 + Math.floor(Math.random() * 100_000);
    w.track([], [id]);
    const name = `pc-ensure-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => w.t.service.ensureProject({ id, name })));
    expect(new Set(results.map((r) => r.projectUuid)).size).toBe(1);
    expect(results.every((r) => r.id === id && r.name === name)).toBe(true);
    const rows = await w.t.db.query(`SELECT project_uuid::text AS u FROM projects WHERE id = $1`, [id]);
    expect(rows).toEqual([{ u: results[0].projectUuid }]);
    // A later insert without an id does not collide with the explicit one.
    const next = await w.t.service.ensureProject({ name: `pc-ensure-${randomUUID()}` });
    w.track([], [next.id]);
    expect(next.id).toBeGreaterThan(id);
  });

  it('without id: 20 concurrent calls with one name create one project and later calls reuse it', async () => {
    const name = `pc-ensure-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => w.t.service.ensureProject({ name })));
    w.track([], [results[0].id]);
    expect(new Set(results.map((r) => `${r.id}/${r.projectUuid}`)).size).toBe(1);
    expect((await w.t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = $1`, [name]))[0].n).toBe(1);
    expect(await w.t.service.ensureProject({ name })).toEqual(results[0]);
  });

  it('treats an explicit null id as no id (reuses the project of that name)', async () => {
    const name = `pc-ensure-${randomUUID()}`;
    const first = await w.t.service.ensureProject({ id: null, name });
    w.track([], [first.id]);
    expect(first.projectUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await w.t.service.ensureProject({ id: null, name })).toEqual(first);
  });

  it('heals a legacy project with a NULL UUID, by id and by name, to one UUID', async () => {
    const p = await w.project({ legacy: true });
    const byId = await Promise.all(Array.from({ length: 10 }, () => w.t.service.ensureProject({ id: p.id, name: p.name })));
    const byName = await Promise.all(Array.from({ length: 10 }, () => w.t.service.ensureProject({ name: p.name })));
    const uuids = new Set([...byId, ...byName].map((r) => r.projectUuid));
    expect(uuids.size).toBe(1);
    expect([...uuids][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect((await w.t.db.query(`SELECT project_uuid::text AS u FROM projects WHERE id = $1`, [p.id]))[0].u).toBe([...uuids][0]);
  });

  it("runs inside the caller's transaction and rolls back with it", async () => {
    const name = `pc-ensure-${randomUUID()}`;
    await expect(
      w.t.db.transaction(async (m) => {
        const created = await w.t.service.ensureProject({ name }, m);
        expect(created.name).toBe(name);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect((await w.t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = $1`, [name]))[0].n).toBe(0);
  });

  it('rejects a nonsensical id with a clear error', async () => {
    await expect(w.t.service.ensureProject({ id: -1, name: 'x' })).rejects.toThrow(RangeError);
    await expect(w.t.service.ensureProject({ id: 1.5, name: 'x' })).rejects.toThrow(RangeError);
  });
});
