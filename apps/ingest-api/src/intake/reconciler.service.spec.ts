import { resumeStage } from './reconciler.service';
import { withTimeout } from './job-queues.service';

describe('resumeStage', () => {
  it('is the first stage that is not completed', () => {
    expect(resumeStage({})).toBe('ocr');
    expect(resumeStage({ ocr_status: 'pending' })).toBe('ocr');
    expect(resumeStage({ ocr_status: 'completed', chunking_status: 'failed' })).toBe('chunking');
    expect(resumeStage({ ocr_status: 'completed', chunking_status: 'completed', entities_status: 'completed', resolution_status: 'pending' })).toBe(
      'resolution',
    );
  });

  it('starts again at OCR when every stage is completed', () => {
    expect(
      resumeStage({
        ocr_status: 'completed',
        chunking_status: 'completed',
        entities_status: 'completed',
        resolution_status: 'completed',
        relationships_status: 'completed',
      }),
    ).toBe('ocr');
  });
});

describe('withTimeout', () => {
  it('passes a result or an error through', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('no')), 1000, 'x')).rejects.toThrow('no');
  });

  it('stops waiting for work that never finishes, with a marked error', async () => {
    jest.useFakeTimers();
    try {
      const p = withTimeout(new Promise(() => undefined), 500, 'addBulk on ocr');
      jest.advanceTimersByTime(500);
      await expect(p).rejects.toMatchObject({ message: 'addBulk on ocr timed out after 500 ms', timeout: true });
    } finally {
      jest.useRealTimers();
    }
  });
});
