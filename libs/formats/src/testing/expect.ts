// Spec helpers shared by the readers' specs (not exported from @casegraph/formats/testing: they use jest's expect).
import { DEFAULT_FORMAT_LIMITS, FormatError, type FormatLimits } from '../types';

/** The default limits with `over` on top. */
export const limits = (over: Partial<FormatLimits> = {}): FormatLimits => ({ ...DEFAULT_FORMAT_LIMITS, ...over });

/** The FormatError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function refusal(p: Promise<unknown>): Promise<FormatError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}
