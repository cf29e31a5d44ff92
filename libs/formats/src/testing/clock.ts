// Spec helper (not exported from @casegraph/formats/testing: it uses jest's timers).

/** Runs `build` with only Date faked to `iso`, so a builder that reads the clock shows itself. */
export async function atFakeNow<T>(iso: string, build: () => Promise<T> | T): Promise<T> {
  jest.useFakeTimers({
    now: new Date(iso),
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  try {
    return await build();
  } finally {
    jest.useRealTimers();
  }
}
