import JSZip from 'jszip';
import { buildDocx } from './docx';
import { buildEml, buildMsg, type BuildMsgOpts } from './mail';
import { buildZip, FIXED_ENTRY_DATE } from './zip';
import { atFakeNow } from './clock';

const MAIL: BuildMsgOpts = {
  from: 'Margaret Ellison <mellison@ellisonpark.example>',
  to: ['dokafor@northwind.example'],
  subject: 'Settlement offer',
  text: 'Terms attached.',
  html: '<p>Terms <b>attached</b>.</p><img src="cid:logo">',
  attachments: [
    { filename: 'terms.txt', contentType: 'text/plain', bytes: Buffer.from('pay $42,500') },
    { filename: 'logo.png', contentType: 'image/png', bytes: Buffer.from('89504e47', 'hex'), inlineCid: 'logo' },
  ],
};

describe('test document builders write the same bytes every run', () => {
  it('buildZip, buildDocx, buildEml and buildMsg: same options, same bytes, whatever the clock says', async () => {
    const entries = [
      { path: 'folder/', bytes: '' },
      { path: 'folder/a.txt', bytes: 'a' },
    ];
    const docx = { body: ['ENGAGEMENT LETTER', '\fSincerely,'], headers: ['Ellison & Park LLP'], comments: [{ author: 'ME', text: 'ok' }] };
    const build = async () => [
      await buildZip(entries),
      await buildZip(entries, { store: true }),
      await buildDocx(docx),
      buildEml(MAIL),
      buildMsg(MAIL),
    ];
    const first = await atFakeNow('2021-05-06T07:08:09Z', build);
    const second = await atFakeNow('2031-11-12T13:14:15Z', build);
    expect(second.map((b) => b.toString('base64'))).toEqual(first.map((b) => b.toString('base64')));
  });

  it('dates ZIP and DOCX entries FIXED_ENTRY_DATE unless given a date', async () => {
    const dates = async (bytes: Buffer) => Object.values((await JSZip.loadAsync(bytes)).files).map((f) => f.date.toISOString());
    for (const d of await dates(
      await buildZip([
        { path: 'a.txt', bytes: 'a' },
        { path: 'b/', bytes: '' },
      ]),
    ))
      expect(d).toBe(FIXED_ENTRY_DATE.toISOString());
    for (const d of await dates(await buildDocx({ body: ['x'] }))) expect(d).toBe(FIXED_ENTRY_DATE.toISOString());
    const given = new Date('2023-06-30T12:34:56Z');
    expect(await dates(await buildZip([{ path: 'a.txt', bytes: 'a' }], { date: given }))).toEqual([given.toISOString()]);
    expect(new Set(await dates(await buildDocx({ body: ['x'], date: given })))).toEqual(new Set([given.toISOString()]));
  });

  it('gives different multipart boundaries to different messages', () => {
    const a = buildEml(MAIL).toString('latin1');
    const b = buildEml({ ...MAIL, text: 'Other terms.' }).toString('latin1');
    const boundaries = (s: string) => [...s.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]);
    expect(boundaries(a)).toHaveLength(3);
    expect(boundaries(a)).not.toEqual(boundaries(b));
  });
});
