import fc from 'fast-check';
import request from 'supertest';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, footprint } from '../../apps/ingest-api/src/testing/helpers';

/**
 * Property-based bad input on every ingest route: whatever arrives, the answer is
 * never a 5xx, always a JSON error body for 4xx, and a refused request leaves no
 * row, stored object or job behind. (Issue 7 runs a larger version of this.)
 * Every route also gets deep nesting (issue 10): JSON bodies nested around and far past JSON_MAX_DEPTH, which
 * must be a 400 naming the limit on any route, and manifests whose documents hold nested arrays.
 */
// Issue 7: at least 500 runs per route in CI (fast-check prints the seed and path of any failure).
const RUNS = Number(process.env.FUZZ_RUNS || 500);
jest.setTimeout(Math.max(60_000, RUNS * 400));

describe('bad input at scale (fast-check)', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let p: { id: number; projectUuid: string };

  beforeAll(async () => {
    t = await createTestApp({ MAX_BATCH_DOCUMENTS: '20', MAX_FILE_MB: '0.05', MAX_FILES_PER_UPLOAD: '3' });
    p = await createProject(t, projectIds, 'fuzz');
  });

  afterAll(async () => {
    if (t) {
      const made = await t.db.query(`SELECT id FROM projects WHERE name LIKE 'fuzz-%'`);
      projectIds.push(...made.map((r: { id: number }) => r.id));
      await cleanupTestData(t, projectIds);
    }
    await t?.close();
  });

  const uuid = fc.uuid();
  const weird = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('..', '%2e%2e', '%00', 'null', '-1', '1e309', '\u0000', ' ', '😀', 'a'.repeat(300), '__proto__', 'constructor'),
  );
  const json = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.anything({ maxDepth: 2 }).map((v) => (v === undefined ? null : v)),
  );
  const docEntry = fc.record(
    {
      filename: fc.oneof(fc.constantFrom('a.pdf', '../../x.pdf'), weird, fc.integer()),
      s3Bucket: fc.oneof(fc.constant('fuzz-bucket'), weird),
      s3Key: fc.oneof(fc.constantFrom('k/a.pdf', '../a', '/etc/passwd', 'a\u0000b'), weird),
      fileSizeMb: fc.oneof(fc.double(), fc.constantFrom('1', null, -1)),
      mimeType: fc.oneof(fc.constantFrom('application/pdf', 'text/html', null), weird),
      extra: json,
    },
    { requiredKeys: [] },
  );

  /**
   * JSON text nested `depth` levels deep (arrays and objects mixed, sometimes never closed): around JSON_MAX_DEPTH
   * (32) and far past it. Built as text, iteratively: JSON.stringify would recurse once per level.
   */
  const MAX_DEPTH = 32;
  const DEPTH_MESSAGE = `JSON body nested deeper than ${MAX_DEPTH} levels (JSON_MAX_DEPTH)`;
  const nested = fc
    .record({
      depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 512, 5000, 20_000)),
      kinds: fc.array(fc.constantFrom('[', '{', '[1,', '{"__proto__":', '{"documents":'), { minLength: 1, maxLength: 4 }),
      // Leaves that try to fool a bracket count: brackets and escaped quotes/backslashes inside strings.
      leaf: fc.constantFrom('1', 'null', '[]', '{}', '"[[{{"', '"\\\\"', '"\\"]]"', '"\\\\\\"[["'),
      closed: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    })
    .map(({ depth, kinds, leaf, closed }) => {
      const opens: string[] = [];
      const closes: string[] = [];
      for (let i = 0; i < depth; i++) {
        const k = kinds[i % kinds.length];
        opens.push(k === '{' ? '{"a":' : k);
        closes.push(k.startsWith('[') ? ']' : '}');
      }
      // `levels`: the nesting depth of the text ('[]' and '{}' leaves add one).
      return { levels: depth + (leaf === '[]' || leaf === '{}' ? 1 : 0), text: opens.join('') + leaf + (closed ? closes.reverse().join('') : '') };
    });

  /** Checks one answer; returns true when it was a refusal (4xx). */
  function checkAnswer(res: request.Response, what: unknown): boolean {
    if (res.status >= 500) throw new Error(`5xx for ${JSON.stringify(what).slice(0, 400)}: ${res.status} ${res.text.slice(0, 300)}`);
    if (res.status >= 400) {
      expect(res.type).toBe('application/json');
      expect(res.body).toEqual(expect.objectContaining({ statusCode: res.status, error: expect.any(String), message: expect.any(String) }));
      return true;
    }
    return false;
  }

  /** A JSON body nested deeper than the limit is refused before anything else looks at it, on any route. */
  function expectTooDeep(res: request.Response): void {
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(DEPTH_MESSAGE);
  }

  it('POST /v1/batches with random and adversarial JSON bodies', async () => {
    const body = fc.oneof(
      json,
      fc.record(
        {
          projectUuid: fc.oneof(fc.constant(p.projectUuid), uuid, weird),
          documents: fc.oneof(fc.array(docEntry, { maxLength: 25 }), json),
          extra: json,
        },
        { requiredKeys: [] },
      ),
    );
    // A valid manifest but for one entry that is an array of documents, nested 1-3 deep ([[doc]], [doc, [[]]]):
    // class-validator's ValidateNested walks into nested arrays instead of refusing them.
    const goodDoc = fc.constant({ filename: 'a.pdf', s3Bucket: 'fuzz-bucket', s3Key: 'k/a.pdf' });
    const nestedDocs = fc
      .tuple(
        fc.array(goodDoc, { maxLength: 2 }),
        fc.array(goodDoc, { maxLength: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(goodDoc, { maxLength: 2 }),
      )
      .map(([before, inner, levels, after]) => {
        let entry: unknown = inner;
        for (let i = 1; i < levels; i++) entry = [entry];
        return { levels: 0, text: JSON.stringify({ projectUuid: p.projectUuid, documents: [...before, entry, ...after] }) };
      });
    // Nesting depth: the deep text as the whole body, as `documents`, as one document, or as a document's field.
    const deep = fc.tuple(nested, fc.constantFrom(0, 1, 2, 3)).map(([n, at]) => {
      const head = `{"projectUuid":"${p.projectUuid}","documents":`;
      const doc = '{"filename":"a.pdf","s3Bucket":"fuzz-bucket","s3Key":"k/a.pdf"}';
      const text = [n.text, `${head}${n.text}}`, `${head}[${doc},${n.text}]}`, `${head}[{"filename":${n.text},"s3Key":"k/a.pdf"}]}`][at];
      return { levels: n.levels + at, text };
    });
    const text = fc.oneof(
      { arbitrary: body.map((b) => ({ levels: 0, text: JSON.stringify(b) })), weight: 3 },
      { arbitrary: deep, weight: 1 },
      { arbitrary: nestedDocs, weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(text, async (b) => {
        const before = await footprint(t, p.id);
        const res = await request(t.http).post('/v1/batches').set('Content-Type', 'application/json').send(b.text);
        if (checkAnswer(res, b.text)) expect(await footprint(t, p.id)).toEqual(before);
        if (b.levels > MAX_DEPTH) expectTooDeep(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/projects with random bodies and content types', async () => {
    // Every string name is prefixed (so created projects can be found and removed), and no generated id is a
    // valid one: an explicit id moves the shared projects sequence ahead of it, so random ids are never sent.
    const invalidId = fc.oneof(
      fc.integer({ max: 0 }),
      fc.double({ noInteger: true }),
      fc.constant(2 ** 31),
      json.filter((v) => typeof v !== 'number'),
    );
    const body = fc.oneof(
      json.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && 'name' in v)),
      fc.record(
        {
          name: fc.oneof(
            fc.constant('fuzz-ok'),
            weird.map((w) => `fuzz-${w}`),
            json.filter((v) => typeof v !== 'string'),
          ),
          id: invalidId,
        },
        { requiredKeys: [] },
      ),
    );
    const type = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      'application/xml',
    );
    // Nesting depth: the deep text as the body or as the name (never a valid name, so nothing is created by it).
    const deep = fc.tuple(nested, fc.boolean()).map(([n, asName]) => (asName ? { levels: n.levels + 1, text: `{"name":${n.text}}` } : n));
    const text = fc.oneof(
      { arbitrary: body.map((b) => ({ levels: 0, text: typeof b === 'string' ? b : JSON.stringify(b) })), weight: 3 },
      { arbitrary: deep, weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(text, type, async (b, ct) => {
        const res = await request(t.http).post('/v1/projects').set('Content-Type', ct).send(b.text);
        checkAnswer(res, { b: b.text, ct });
        if (res.status < 300) expect(res.body.name).toMatch(/^fuzz-/);
        if (b.levels > MAX_DEPTH && ct === 'application/json') expectTooDeep(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('raw, malformed bodies', async () => {
    const raw = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
      // Deep nesting with random text spliced in (unbalanced, inside strings, …).
      fc.tuple(nested, fc.string({ maxLength: 20 }), fc.nat()).map(([n, junk, at]) => {
        const i = at % (n.text.length + 1);
        return n.text.slice(0, i) + junk + n.text.slice(i);
      }),
    );
    await fc.assert(
      fc.asyncProperty(raw, fc.constantFrom('/v1/batches', '/v1/projects'), async (text, path) => {
        const res = await request(t.http).post(path).set('Content-Type', 'application/json').send(text);
        checkAnswer(res, text);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET and POST routes with random path parameters and query strings', async () => {
    const seg = fc.oneof(
      uuid,
      weird.map((w) => encodeURIComponent(w)),
    );
    const query = fc.dictionary(fc.constantFrom('page', 'pageSize', 'status', 'x', 'page[]'), weird.map(encodeURIComponent), { maxKeys: 3 });
    const route = fc.oneof(
      seg.map((s) => ['get', `/v1/projects/${s}`]),
      seg.map((s) => ['get', `/v1/projects/${s}/documents`]),
      seg.map((s) => ['get', `/v1/documents/${s}`]),
      seg.map((s) => ['post', `/v1/documents/${s}/retry`]),
      seg.map((s) => ['get', `/v1/batches/${s}`]),
      fc.constant(['get', '/v1/projects']),
      fc.constant(['get', `/v1/projects/${'PROJECT'}/documents`]),
    );
    // Nesting depth: deep bracket keys in the query, and sometimes a deep JSON body (GET included: the JSON parser,
    // and so the depth limit, runs before routing).
    const deepKey = fc.integer({ min: 1, max: 1000 }).map((n) => `x${'%5Ba%5D'.repeat(n)}`);
    const deepBody = fc.option(nested, { freq: 3 });
    await fc.assert(
      fc.asyncProperty(route, query, fc.option(deepKey, { freq: 3 }), deepBody, async ([method, path], q, key, body) => {
        const qs = [...Object.entries(q), ...(key ? [[key, '1']] : [])].map(([k, v]) => `${k}=${v}`).join('&');
        const url = `${path.replace('PROJECT', p.projectUuid)}${qs ? `?${qs}` : ''}`;
        let req = (request(t.http) as any)[method](url);
        if (body) req = req.set('Content-Type', 'application/json').send(body.text);
        const res = await req;
        checkAnswer(res, { url, body: body?.text.slice(0, 100) });
        if (body && body.levels > MAX_DEPTH) expectTooDeep(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('multipart uploads with random parts', async () => {
    const part = fc.record({
      field: fc.oneof(fc.constant('files'), fc.constant('file'), weird),
      filename: fc.oneof(fc.constantFrom('a.pdf', '../../../x.pdf', 'C:\\x.png', ''), weird),
      content: fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
        fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(a)])),
        fc.constant(Buffer.alloc(60 * 1024, 1)),
        fc.constant(Buffer.alloc(0)),
        // Nesting depth: deep JSON text as a file or a text field (multipart is never JSON-parsed; it must not matter).
        nested.map((n) => Buffer.from(n.text)),
      ),
      isFile: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 4 }), async (parts) => {
        const before = await footprint(t, p.id);
        let req = request(t.http).post(`/v1/projects/${p.projectUuid}/documents`);
        for (const x of parts) {
          req = x.isFile
            ? req.attach(x.field || 'files', x.content, { filename: x.filename || 'f', contentType: 'application/octet-stream' })
            : req.field(x.field || 'f', x.content.toString('latin1').replace(/\r|\n/g, ''));
        }
        const res = await (parts.length ? req : req.set('Content-Type', 'multipart/form-data; boundary=x').send('--x--'));
        if (
          checkAnswer(
            res,
            parts.map((x) => ({ ...x, content: x.content.length })),
          )
        )
          expect(await footprint(t, p.id)).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });
});
