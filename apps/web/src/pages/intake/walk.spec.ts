import { DirectoryEntryLike, EntryLike, FileEntryLike, isClutter, pickFiles, walkEntries } from './walk';

type F = { name: string };

const file = (fullPath: string, fail = false): FileEntryLike<F> => {
  const name = fullPath.split('/').pop()!;
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (ok, err) => (fail ? err?.(new Error('NotReadableError')) : ok({ name })),
  };
};

/** A directory whose reader answers in batches of `batch` entries, then an empty batch (as Chromium does, 100 a call). */
const dir = (fullPath: string, children: Array<EntryLike<F>>, batch = 2): DirectoryEntryLike<F> => ({
  isFile: false,
  isDirectory: true,
  name: fullPath.split('/').pop()!,
  fullPath,
  createReader: () => {
    let at = 0;
    return {
      readEntries: (ok) => {
        const out = children.slice(at, at + batch);
        at += batch;
        setTimeout(() => ok(out), 0);
      },
    };
  },
});

describe('walkEntries', () => {
  it('walks folders of any depth, reading every batch, and keeps the path relative to the drop', async () => {
    const tree = dir('/Case', [
      file('/Case/b.pdf'),
      file('/Case/a.pdf'),
      dir('/Case/Exhibits', [file('/Case/Exhibits/x.tif'), dir('/Case/Exhibits/2024', [file('/Case/Exhibits/2024/y.eml')])]),
      file('/Case/c.docx'),
      file('/Case/d.txt'),
    ]);
    const r = await walkEntries([tree, file('/loose.png')]);
    expect(r.files.map((f) => f.path)).toEqual([
      'Case/a.pdf',
      'Case/b.pdf',
      'Case/c.docx',
      'Case/d.txt',
      'Case/Exhibits/2024/y.eml',
      'Case/Exhibits/x.tif',
      'loose.png',
    ]);
    expect(r.files.map((f) => f.file.name)).toContain('y.eml');
    expect(r.skipped).toEqual([]);
  });

  it('leaves out system clutter and hidden folders, and reports unreadable files instead of failing the drop', async () => {
    const r = await walkEntries([
      dir('/F', [file('/F/.DS_Store'), file('/F/._a.pdf'), file('/F/a.pdf'), dir('/F/.git', [file('/F/.git/HEAD')]), file('/F/gone.pdf', true)]),
    ]);
    expect(r.files.map((f) => f.path)).toEqual(['F/a.pdf']);
    expect(r.skipped.sort()).toEqual(['F/.DS_Store', 'F/._a.pdf', 'F/.git']);
    expect(r.unreadable).toEqual(['F/gone.pdf']);
  });

  it('an empty folder gives no files', async () => {
    expect((await walkEntries([dir('/Empty', [])])).files).toEqual([]);
  });
});

describe('pickFiles', () => {
  it('keeps a folder input’s relative paths and drops clutter', () => {
    const r = pickFiles([
      { name: 'a.pdf', webkitRelativePath: 'Case/a.pdf' },
      { name: 'Thumbs.db', webkitRelativePath: 'Case/Thumbs.db' },
      { name: 'x.pdf', webkitRelativePath: 'Case/__MACOSX/x.pdf' },
      { name: 'b.pdf', webkitRelativePath: '' },
    ]);
    expect(r.files.map((f) => f.path)).toEqual(['Case/a.pdf', 'b.pdf']);
    expect(r.skipped).toEqual(['Case/Thumbs.db', 'Case/__MACOSX/x.pdf']);
  });

  it('isClutter knows the usual suspects and nothing else', () => {
    expect(['.DS_Store', 'thumbs.db', 'desktop.ini', '._x'].every(isClutter)).toBe(true);
    expect(['brief.pdf', '.env.txt', 'DS_Store.pdf'].some(isClutter)).toBe(false);
  });
});
