import { randomUUID } from 'node:crypto';
import { checkPostgres, checkRedis } from './preflight';

describe('preflight checks against the real services', () => {
  it('PostgreSQL and Redis from the test environment are reachable', async () => {
    expect(await checkPostgres(process.env.DATABASE_URL!)).toMatchObject({ ok: true, service: 'PostgreSQL' });
    expect(await checkRedis(process.env.REDIS_URL!)).toMatchObject({ ok: true, service: 'Redis' });
  });

  it('a database that does not exist yet is fine: the migration creates it', async () => {
    const url = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/casegraph_x_missing_${randomUUID().slice(0, 8)}`);
    const r = await checkPostgres(url);
    expect(r.ok).toBe(true);
    expect(r.detail).toContain('will create it');
  });

  it('an unknown role is a refused login, not "unreachable"', async () => {
    const u = new URL(process.env.DATABASE_URL!);
    u.username = `nobody_${randomUUID().slice(0, 8)}`;
    const r = await checkPostgres(u.toString());
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/refused the login/);
  });
});
