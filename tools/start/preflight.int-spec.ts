import { spawn } from 'node:child_process';
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

describe('npm start with a bad combination of variables', () => {
  it('exits 78 before touching any service, naming the variables of every app', async () => {
    const tsNode = require.resolve('ts-node/dist/bin.js');
    const root = `${__dirname}/../..`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      STORAGE_DRIVER: 's3',
      CHUNK_SIZE: '500',
      CHUNK_OVERLAP: '500',
      OCR_HEALTH_PORT: '4999',
      GRAPH_HEALTH_PORT: '4999',
    };
    delete env.S3_BUCKET;
    const child = spawn(process.execPath, [tsNode, '--transpile-only', '-r', './tools/register-paths.js', 'tools/start.ts'], { cwd: root, env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect({ code, stderr }).toMatchObject({ code: 78 });
    expect(stderr).toContain('S3_BUCKET is required when STORAGE_DRIVER=s3 (ingest-api, ocr-worker)');
    expect(stderr).toContain('CHUNK_OVERLAP (500) must be smaller than CHUNK_SIZE (500) (graph-worker)');
    expect(stderr).toContain('OCR_HEALTH_PORT and GRAPH_HEALTH_PORT are both 4999');
  }, 60_000);
});
