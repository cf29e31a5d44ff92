import pino from 'pino';
import { Writable } from 'node:stream';
import { bindLogContext, currentLogContext, runWithLogContext } from './log-context';
import { REDACTED_PATHS } from './logging.module';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  // The same mixin and redaction LoggingModule gives pino.
  const logger = pino({ mixin: () => ({ ...currentLogContext() }), redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  return { logger, lines };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('log context', () => {
  it('puts the job fields on every line written inside the run, across awaits, and none outside', async () => {
    const { logger, lines } = capture();
    logger.info('before');
    await runWithLogContext({ documentUuid: 'd1', jobId: 'j1', stage: 'ocr', queue: 'ocr' }, async () => {
      logger.info('start');
      await tick();
      bindLogContext({ projectUuid: 'p1', stage: 'chunking' });
      await tick();
      logger.info('later');
    });
    logger.info('after');
    expect(lines.map((l) => [l.msg, l.documentUuid, l.projectUuid, l.jobId, l.stage])).toEqual([
      ['before', undefined, undefined, undefined, undefined],
      ['start', 'd1', undefined, 'j1', 'ocr'],
      ['later', 'd1', 'p1', 'j1', 'chunking'],
      ['after', undefined, undefined, undefined, undefined],
    ]);
  });

  it('keeps concurrent jobs apart (a bind in one never leaks into another)', async () => {
    const { logger, lines } = capture();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runWithLogContext({ documentUuid: `d${i}`, jobId: `j${i}` }, async () => {
          await tick();
          bindLogContext({ projectUuid: `p${i}` });
          await new Promise((r) => setTimeout(r, (i * 7) % 5));
          logger.info(`job ${i}`);
        }),
      ),
    );
    expect(lines).toHaveLength(20);
    for (const l of lines) {
      const i = String(l.msg).split(' ')[1];
      expect(l).toMatchObject({ documentUuid: `d${i}`, jobId: `j${i}`, projectUuid: `p${i}` });
    }
  });

  it('ignores a bind outside a run and drops empty values', () => {
    bindLogContext({ documentUuid: 'x' });
    expect(currentLogContext()).toEqual({});
    runWithLogContext({ documentUuid: 'd', projectUuid: undefined, jobId: '' }, () => {
      expect(currentLogContext()).toEqual({ documentUuid: 'd' });
    });
  });

  it('redacts API keys and authorization headers', () => {
    const { logger, lines } = capture();
    logger.info(
      { req: { headers: { authorization: 'Bearer secret-1', 'x-api-key': 'secret-2', host: 'h' } }, apiKey: 'secret-3', cfg: { apiKey: 'secret-4' } },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const s of ['secret-1', 'secret-2', 'secret-3', 'secret-4']) expect(text).not.toContain(s);
    expect(text).toContain('"host":"h"');
  });
});
