import JSZip from 'jszip';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import { crc32 as crc32Chunks, FIXED_ENTRY_DATE, rawZip, type RawZipEntry } from './zip';

const crc32 = (b: Buffer): number => crc32Chunks([b]);

/** What a test DOCX holds. */
export interface BuildDocxOptions {
  /** Body paragraphs, in order; a `\f` inside a string is an explicit page break (`<w:br w:type="page"/>`). */
  body: string[];
  /** One header part per string (header1.xml, header2.xml…). */
  headers?: string[];
  footers?: string[];
  /** One footnote per string, referenced from the first body paragraph. */
  footnotes?: string[];
  endnotes?: string[];
  /** Comments anchored on the first body paragraph. */
  comments?: Array<{ author: string; text: string }>;
  /** docProps/core.xml dc:title. */
  title?: string;
  /** docProps/core.xml dc:creator (and cp:lastModifiedBy). */
  author?: string;
  /** Adds an (empty) word/vbaProject.bin and the macro-enabled content type: a .docm. */
  macroEnabled?: boolean;
  /** The package entries' date (default FIXED_ENTRY_DATE): the same options give the same bytes on every run. */
  date?: Date;
}

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT_WORD = 'application/vnd.openxmlformats-officedocument.wordprocessingml';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Runs for one string: text runs, tabs kept as `w:tab`, `\f` as a page break, `\n` as a line break. */
function runs(text: string): string {
  let out = '';
  for (const piece of text.split(/(\f|\t|\n)/)) {
    if (piece === '\f') out += '<w:r><w:br w:type="page"/></w:r>';
    else if (piece === '\t') out += '<w:r><w:tab/></w:r>';
    else if (piece === '\n') out += '<w:r><w:br/></w:r>';
    else if (piece !== '') out += `<w:r><w:t xml:space="preserve">${esc(piece)}</w:t></w:r>`;
  }
  return out;
}

const para = (text: string, extra = ''): string => `<w:p>${runs(text)}${extra}</w:p>`;

function xml(root: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${root}`;
}

/**
 * A real minimal OOXML word-processing package (content types, package and document relationships, document.xml with
 * footnote, endnote and comment references, header/footer parts, core properties) that Word and mammoth open.
 */
export async function buildDocx(opts: BuildDocxOptions): Promise<Buffer> {
  const zip = new JSZip();
  const headers = opts.headers ?? [];
  const footers = opts.footers ?? [];
  const footnotes = opts.footnotes ?? [];
  const endnotes = opts.endnotes ?? [];
  const comments = opts.comments ?? [];

  const overrides: string[] = [
    `<Override PartName="/word/document.xml" ContentType="${opts.macroEnabled ? 'application/vnd.ms-word.document.macroEnabled.main+xml' : `${CT_WORD}.document.main+xml`}"/>`,
    `<Override PartName="/word/styles.xml" ContentType="${CT_WORD}.styles+xml"/>`,
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
  ];
  const docRels: string[] = [`<Relationship Id="rIdStyles" Type="${REL}/styles" Target="styles.xml"/>`];

  headers.forEach((text, i) => {
    const name = `header${i + 1}.xml`;
    overrides.push(`<Override PartName="/word/${name}" ContentType="${CT_WORD}.header+xml"/>`);
    docRels.push(`<Relationship Id="rIdHeader${i + 1}" Type="${REL}/header" Target="${name}"/>`);
    zip.file(
      `word/${name}`,
      xml(
        `<w:hdr xmlns:w="${W_NS}" xmlns:r="${R_NS}">${text
          .split('\n')
          .map((t) => para(t))
          .join('')}</w:hdr>`,
      ),
    );
  });
  footers.forEach((text, i) => {
    const name = `footer${i + 1}.xml`;
    overrides.push(`<Override PartName="/word/${name}" ContentType="${CT_WORD}.footer+xml"/>`);
    docRels.push(`<Relationship Id="rIdFooter${i + 1}" Type="${REL}/footer" Target="${name}"/>`);
    zip.file(
      `word/${name}`,
      xml(
        `<w:ftr xmlns:w="${W_NS}" xmlns:r="${R_NS}">${text
          .split('\n')
          .map((t) => para(t))
          .join('')}</w:ftr>`,
      ),
    );
  });

  const notesPart = (kind: 'footnote' | 'endnote', texts: string[]): string => {
    const separators =
      `<w:${kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:${kind}>` +
      `<w:${kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:${kind}>`;
    const notes = texts
      .map(
        (t, i) =>
          `<w:${kind} w:id="${i + 1}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:${kind}Ref/></w:r>` +
          `<w:r><w:t xml:space="preserve"> ${esc(t)}</w:t></w:r></w:p></w:${kind}>`,
      )
      .join('');
    return xml(`<w:${kind}s xmlns:w="${W_NS}" xmlns:r="${R_NS}">${separators}${notes}</w:${kind}s>`);
  };
  if (footnotes.length > 0) {
    overrides.push(`<Override PartName="/word/footnotes.xml" ContentType="${CT_WORD}.footnotes+xml"/>`);
    docRels.push(`<Relationship Id="rIdFootnotes" Type="${REL}/footnotes" Target="footnotes.xml"/>`);
    zip.file('word/footnotes.xml', notesPart('footnote', footnotes));
  }
  if (endnotes.length > 0) {
    overrides.push(`<Override PartName="/word/endnotes.xml" ContentType="${CT_WORD}.endnotes+xml"/>`);
    docRels.push(`<Relationship Id="rIdEndnotes" Type="${REL}/endnotes" Target="endnotes.xml"/>`);
    zip.file('word/endnotes.xml', notesPart('endnote', endnotes));
  }
  if (comments.length > 0) {
    overrides.push(`<Override PartName="/word/comments.xml" ContentType="${CT_WORD}.comments+xml"/>`);
    docRels.push(`<Relationship Id="rIdComments" Type="${REL}/comments" Target="comments.xml"/>`);
    const items = comments
      .map((c, i) => `<w:comment w:id="${i}" w:author="${esc(c.author)}" w:date="2024-01-02T03:04:05Z" w:initials="X">${para(c.text)}</w:comment>`)
      .join('');
    zip.file('word/comments.xml', xml(`<w:comments xmlns:w="${W_NS}" xmlns:r="${R_NS}">${items}</w:comments>`));
  }

  // References (footnotes, endnotes, comments) go on the first paragraph.
  const refs =
    footnotes.map((_, i) => `<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="${i + 1}"/></w:r>`).join('') +
    endnotes.map((_, i) => `<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:endnoteReference w:id="${i + 1}"/></w:r>`).join('');
  const commentStart = comments.map((_, i) => `<w:commentRangeStart w:id="${i}"/>`).join('');
  const commentEnd = comments.map((_, i) => `<w:commentRangeEnd w:id="${i}"/><w:r><w:commentReference w:id="${i}"/></w:r>`).join('');
  const bodyParas = (opts.body.length > 0 ? opts.body : ['']).map((text, i) =>
    i === 0 ? `<w:p>${commentStart}${runs(text)}${commentEnd}${refs}</w:p>` : para(text),
  );
  const sect =
    '<w:sectPr>' +
    headers.map((_, i) => `<w:headerReference w:type="${i === 0 ? 'default' : i === 1 ? 'first' : 'even'}" r:id="rIdHeader${i + 1}"/>`).join('') +
    footers.map((_, i) => `<w:footerReference w:type="${i === 0 ? 'default' : i === 1 ? 'first' : 'even'}" r:id="rIdFooter${i + 1}"/>`).join('') +
    '<w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/>' +
    (headers.length > 1 ? '<w:titlePg/>' : '') +
    '</w:sectPr>';
  zip.file('word/document.xml', xml(`<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>${bodyParas.join('')}${sect}</w:body></w:document>`));
  zip.file(
    'word/styles.xml',
    xml(`<w:styles xmlns:w="${W_NS}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>`),
  );
  zip.file(
    'word/_rels/document.xml.rels',
    xml(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${docRels.join('')}</Relationships>`),
  );

  if (opts.macroEnabled) {
    zip.file('word/vbaProject.bin', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
  }

  const now = '2024-01-02T03:04:05Z';
  zip.file(
    'docProps/core.xml',
    xml(
      '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        (opts.title !== undefined ? `<dc:title>${esc(opts.title)}</dc:title>` : '') +
        (opts.author !== undefined ? `<dc:creator>${esc(opts.author)}</dc:creator><cp:lastModifiedBy>${esc(opts.author)}</cp:lastModifiedBy>` : '') +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${now}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${now}</dcterms:modified>` +
        '</cp:coreProperties>',
    ),
  );
  zip.file(
    '_rels/.rels',
    xml(
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/>` +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        '</Relationships>',
    ),
  );
  zip.file(
    '[Content_Types].xml',
    xml(
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        (opts.macroEnabled ? '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' : '') +
        overrides.join('') +
        '</Types>',
    ),
  );
  const date = opts.date ?? FIXED_ENTRY_DATE;
  zip.forEach((_, entry) => {
    entry.date = date;
  });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

// --- Hostile packages -------------------------------------------------------------------------------------------

const BOMB_CHUNK = 1024 * 1024;

/** What a hostile DOCX's word/document.xml does. */
export interface BuildDocxBombOptions {
  /** Bytes the document part really inflates to (spaces after a valid XML start), up to gigabytes. Default 64 MiB. */
  actualSize?: number;
  /** Bytes its headers claim (default: the truth). Claim less to test the inflate cap, more to test the precheck. */
  claimedSize?: number;
}

/**
 * A DOCX whose word/document.xml is a deflate bomb (a few KB that inflate to `actualSize`), or whose headers claim a
 * size they do not hold. Every other part is a valid minimal package.
 */
export function buildDocxBomb(opts: BuildDocxBombOptions = {}): Buffer {
  const actual = opts.actualSize ?? 64 * 1024 * 1024;
  const start = Buffer.from(`<?xml version="1.0"?><w:document xmlns:w="${W_NS}"><w:body><w:p><w:r><w:t>`);
  let doc: RawZipEntry;
  if (actual <= BOMB_CHUNK) {
    const plain = Buffer.alloc(Math.max(actual, start.length), 0x20);
    start.copy(plain);
    doc = {
      name: 'word/document.xml',
      data: deflateRawSync(plain, { level: 9 }),
      method: 8,
      crc: crc32(plain),
      uncompressedSize: opts.claimedSize ?? plain.length,
    };
  } else {
    // Spaces only refer back to spaces, so one sync-flushed 1 MiB block can be repeated: ~1 KB per MiB, built at once.
    // The CRC is left 0: a reader must stop long before it could check it.
    const first = Buffer.alloc(BOMB_CHUNK, 0x20);
    start.copy(first);
    const flush = { level: 9, finishFlush: zlibConstants.Z_SYNC_FLUSH };
    const head = deflateRawSync(first, flush);
    const block = deflateRawSync(Buffer.alloc(BOMB_CHUNK, 0x20), flush);
    const blocks = Math.ceil(actual / BOMB_CHUNK) - 1;
    const data = Buffer.concat([head, ...Array.from({ length: blocks }, () => block), Buffer.from([0x03, 0x00])]);
    doc = { name: 'word/document.xml', data, method: 8, crc: 0, uncompressedSize: opts.claimedSize ?? (blocks + 1) * BOMB_CHUNK };
  }
  const small = (name: string, text: string): RawZipEntry => {
    const b = Buffer.from(text);
    return { name, data: b, method: 0, crc: crc32(b), uncompressedSize: b.length };
  };
  return rawZip([
    small(
      '[Content_Types].xml',
      xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          `<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${CT_WORD}.document.main+xml"/></Types>`,
      ),
    ),
    small(
      '_rels/.rels',
      xml(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="word/document.xml"/></Relationships>`,
      ),
    ),
    doc,
  ]);
}
