/** Resolves once `done()` holds or `timeoutMs` has passed (polled every 5 ms). Never rejects. */
export function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const started = Date.now();
    const check = () => {
      if (done() || Date.now() - started >= timeoutMs) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}
