import { randomBytes } from 'node:crypto';
import * as yauzl from 'yauzl';
import { readZip } from './archive';
import { buildEncryptedZip, buildZip, buildZipBomb, buildZipSlip, deflatedEntry, rawZip } from './testing/zip';
import { limits, refusal } from './testing/expect';

describe('readZip', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2000)]);

  it('lists every file entry in central-directory order, with folder paths, sizes and bytes read on demand', async () => {
    const zip = await buildZip([
      { path: 'matter/', bytes: '' },
      { path: 'matter/pleadings/complaint.pdf', bytes: pdf },
      { path: 'matter/notes.txt', bytes: 'call the witness' },
      { path: '__MACOSX/matter/._notes.txt', bytes: 'resource fork' },
      { path: 'matter/.DS_Store', bytes: 'finder' },
      { path: 'Thumbs.db', bytes: 'thumbs' },
      { path: 'Zoë café.txt', bytes: 'ünïcode' },
    ]);
    const out = await readZip(zip, limits());
    expect(out.format).toBe('zip');
    expect(out.metadata).toEqual({ format: 'zip' });
    expect(out.children.map(({ index, filename, path, contentType, size }) => ({ index, filename, path, contentType, size }))).toEqual([
      { index: 0, filename: 'complaint.pdf', path: 'matter/pleadings/complaint.pdf', contentType: null, size: pdf.length },
      { index: 1, filename: 'notes.txt', path: 'matter/notes.txt', contentType: null, size: 16 },
      { index: 2, filename: 'Zoë café.txt', path: 'Zoë café.txt', contentType: null, size: Buffer.byteLength('ünïcode') },
    ]);
    expect(await out.children[0].read()).toEqual(pdf);
    expect((await out.children[1].read()).toString()).toBe('call the witness');
    expect((await out.children[2].read()).toString()).toBe('ünïcode');
    // read twice: each read inflates that one entry again
    expect(await out.children[0].read()).toEqual(pdf);
    expect(out.warnings).toEqual([
      expect.stringContaining('__MACOSX/matter/._notes.txt'),
      expect.stringContaining('matter/.DS_Store'),
      expect.stringContaining('Thumbs.db'),
    ]);
    expect(out.pages).toEqual([
      {
        text: `matter/pleadings/complaint.pdf (${pdf.length} bytes)\nmatter/notes.txt (16 bytes)\nZoë café.txt (${Buffer.byteLength('ünïcode')} bytes)`,
      },
    ]);
  });

  it('reads stored (uncompressed) entries', async () => {
    const out = await readZip(await buildZip([{ path: 'a/b.txt', bytes: 'stored' }], { store: true }), limits());
    expect(out.children).toHaveLength(1);
    expect((await out.children[0].read()).toString()).toBe('stored');
  });

  it('keeps a zip-slip entry under its readable path without the traversal, with a warning', async () => {
    const out = await readZip(buildZipSlip(), limits());
    expect(out.children.map((c) => [c.path, c.filename])).toEqual([
      ['docs/ok.txt', 'ok.txt'],
      ['etc/evil.txt', 'evil.txt'],
      ['abs/root.txt', 'root.txt'],
      ['win/boot.ini', 'boot.ini'],
    ]);
    expect((await out.children[1].read()).toString()).toBe('written outside the folder');
    expect(out.warnings).toHaveLength(3);
    expect(out.warnings[0]).toBe('entry "../../etc/evil.txt" points outside the archive; kept as "etc/evil.txt"');
    expect(out.warnings[1]).toContain('"/abs/root.txt"');
    expect(out.warnings[2]).toContain('kept as "win/boot.ini"');
  });

  describe('hostile archives', () => {
    afterEach(() => jest.restoreAllMocks());

    it('refuses a zip bomb from its central directory, without inflating anything', async () => {
      const bomb = buildZipBomb();
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const inflating = jest.spyOn(yauzl.ZipFile.prototype, 'openReadStream');
      const err = await refusal(readZip(bomb, limits()));
      expect(err.code).toBe('bomb');
      expect(err.message).toMatch(/"zeros\.bin" inflates \d+ bytes to 209715200 .*looks like a zip bomb/);
      expect(inflating).not.toHaveBeenCalled();
    });

    it('calls a highly compressible entry over 1 MiB a bomb at the ratio limit, but not a small one', async () => {
      const zeros = (n: number): Buffer => Buffer.alloc(n);
      expect((await refusal(readZip(await buildZip([{ path: 'z.bin', bytes: zeros(2 * 1024 * 1024) }]), limits()))).code).toBe('bomb');
      const small = await readZip(await buildZip([{ path: 'z.bin', bytes: zeros(512 * 1024) }]), limits());
      expect(small.children[0].size).toBe(512 * 1024);
      const relaxed = await readZip(await buildZip([{ path: 'z.bin', bytes: zeros(2 * 1024 * 1024) }]), limits({ maxCompressionRatio: 10_000 }));
      expect((await relaxed.children[0].read()).length).toBe(2 * 1024 * 1024);
    });

    it('stops inflating a bomb whose headers lie about its size, at the declared size', async () => {
      const out = await readZip(buildZipBomb({ mib: 20, declaredSize: 1000 }), limits());
      expect(out.children.map((c) => [c.path, c.size])).toEqual([
        ['readme.txt', 14],
        ['zeros.bin', 1000],
      ]);
      const err = await refusal(out.children[1].read());
      expect(err.code).toBe('bomb');
      expect(err.message).toContain('looks like a zip bomb');
      expect((await out.children[0].read()).toString()).toBe('nothing to see');
    });

    it('refuses a password-protected archive', async () => {
      const err = await refusal(readZip(buildEncryptedZip(), limits()));
      expect(err.code).toBe('encrypted');
      expect(err.message).toBe('password-protected ZIP: unpack it and upload the files');
    });

    it('refuses more entries than maxChildren', async () => {
      const zip = await buildZip([1, 2, 3].map((i) => ({ path: `f${i}.txt`, bytes: `file ${i}` })));
      const err = await refusal(readZip(zip, limits({ maxChildren: 2 })));
      expect(err.code).toBe('too-many-children');
      expect(err.message).toContain('more than 2 files');
      expect((await readZip(zip, limits({ maxChildren: 3 }))).children).toHaveLength(3);
    });

    it('refuses one entry over maxChildBytes and a sum over maxTotalChildBytes before inflating', async () => {
      const inflating = jest.spyOn(yauzl.ZipFile.prototype, 'openReadStream');
      const zip = await buildZip([
        { path: 'a.bin', bytes: randomBytes(3000) },
        { path: 'b.bin', bytes: randomBytes(3000) },
      ]);
      const one = await refusal(readZip(zip, limits({ maxChildBytes: 2000 })));
      expect(one.code).toBe('too-large');
      expect(one.message).toBe('"a.bin" is 3000 bytes uncompressed, over the 2000-byte limit for one file');
      const sum = await refusal(readZip(zip, limits({ maxTotalChildBytes: 5000 })));
      expect(sum.code).toBe('too-large');
      expect(sum.message).toContain('more than 5000 bytes');
      expect(inflating).not.toHaveBeenCalled();
    });

    it('fails corrupt, truncated, empty and non-ZIP bytes with a reason', async () => {
      const zip = await buildZip([{ path: 'a.txt', bytes: 'hello world '.repeat(100) }]);
      for (const bytes of [zip.subarray(0, zip.length - 30), randomBytes(4096), Buffer.from('PK\u0003\u0004 not really')]) {
        const err = await refusal(readZip(bytes, limits()));
        expect(err.code).toBe('corrupt');
        expect(err.message).toMatch(/^the ZIP archive is damaged or incomplete \(.+\)$/);
      }
      expect((await refusal(readZip(Buffer.alloc(0), limits()))).code).toBe('empty');
    });

    it('fails an entry whose deflated data is damaged when it is read', async () => {
      const good = deflatedEntry('a.txt', 'some text that deflates '.repeat(50));
      const damaged = Buffer.from(good.data);
      damaged.fill(0xff, 2, 12);
      const out = await readZip(rawZip([{ ...good, data: damaged }]), limits());
      const err = await refusal(out.children[0].read());
      expect(['corrupt', 'bomb']).toContain(err.code);
    });

    it('lists an archive with only folders as no children, with a warning', async () => {
      const out = await readZip(await buildZip([{ path: 'empty/', bytes: '' }]), limits());
      expect(out.children).toEqual([]);
      expect(out.warnings).toEqual(['the ZIP archive holds no files']);
      expect(out.pages).toEqual([{ text: '' }]);
    });
  });
});
