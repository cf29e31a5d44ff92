import { formatAudit } from './audit';
import { parseContextArgs } from './context-cli';

describe('parseContextArgs', () => {
  it('parses every command and option', () => {
    expect(parseContextArgs(['backfill'])).toEqual({ command: 'backfill', repair: false, batchSize: 1000 });
    expect(parseContextArgs(['backfill', '--batch-size', '50'])).toEqual({ command: 'backfill', repair: false, batchSize: 50 });
    expect(parseContextArgs(['enforce'])).toEqual({ command: 'enforce', repair: false, batchSize: 1000 });
    expect(parseContextArgs(['audit', '--repair', '--project', '3F2504E0-4F89-11D3-9A0C-0305E82C3301'])).toEqual({
      command: 'audit',
      repair: true,
      projectUuid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
      batchSize: 1000,
    });
  });

  it('parses adopt, orphans and --dry-run', () => {
    expect(parseContextArgs(['backfill', '--dry-run'])).toEqual({ command: 'backfill', repair: false, batchSize: 1000, dryRun: true });
    expect(parseContextArgs(['adopt', '--dry-run', '--batch-size', '20'])).toEqual({ command: 'adopt', repair: false, batchSize: 20, dryRun: true });
    expect(parseContextArgs(['orphans'])).toEqual({ command: 'orphans', repair: false, batchSize: 1000 });
    expect(parseContextArgs(['orphans', '--quarantine'])).toEqual({ command: 'orphans', repair: false, batchSize: 1000, quarantine: true });
    expect(parseContextArgs(['orphans', '--assign', '12'])).toEqual({ command: 'orphans', repair: false, batchSize: 1000, assign: '12' });
    expect(parseContextArgs(['orphans', '--assign', '3F2504E0-4F89-11D3-9A0C-0305E82C3301'])).toMatchObject({
      assign: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    });
  });

  it.each([
    [[], 'missing context command'],
    [['orphans', '--assign', 'x'], '--assign needs a project UUID or id, got x'],
    [['orphans', '--quarantine', '--assign', '1'], 'unknown option "--assign" for orphans'],
    [['enforce', '--dry-run'], 'unknown option "--dry-run" for enforce'],
    [['vacuum'], 'unknown context command "vacuum"'],
    [['audit', '--project'], '--project needs a project UUID, got nothing'],
    [['audit', '--project', '12'], '--project needs a project UUID, got 12'],
    [['audit', '--batch-size', '0'], '--batch-size must be an integer 1..100000, got 0'],
    [['backfill', '--repair'], 'unknown option "--repair" for backfill'],
    [['enforce', '--batch-size', '5'], 'unknown option "--batch-size" for enforce'],
  ])('rejects %j with a clear message', (args, error) => {
    expect(parseContextArgs(args)).toEqual({ error });
  });
});

describe('formatAudit', () => {
  const r = {
    scanned: 12,
    ok: 4,
    missing: 2,
    stale: 1,
    malformed: 1,
    legacy: 3,
    orphans: 1,
    nullInDb: 1,
    mismatchedInDb: 1,
    repairedEntries: 4,
    healedRows: 2,
  };

  it('prints every count and the repair line only when repairing', () => {
    const plain = formatAudit(r, false);
    expect(plain).toContain('audit: 12 document(s) scanned');
    expect(plain).toMatch(/stale entry \(wrong project\)\s+1\n/);
    expect(plain).toMatch(/legacy entry \(old shape, right\)\s+3\n/);
    expect(plain).toMatch(/orphan \(no project found\)\s+1\n/);
    expect(plain).not.toContain('repaired');
    expect(formatAudit(r, true)).toContain('repaired: 4 entries written, 2 database row(s) healed');
  });

  it('names the orphans command when there are orphans, and only then', () => {
    expect(formatAudit(r, false)).toContain('1 orphan document(s): their project is missing in both project_fk_id and project_uuid');
    expect(formatAudit(r, false)).toContain('`npm run context -- orphans`');
    expect(formatAudit({ ...r, orphans: 0 }, false)).not.toContain('npm run context -- orphans');
  });
});
