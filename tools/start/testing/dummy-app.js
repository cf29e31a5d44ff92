// A stand-in app for the supervisor tests. Behaves like our apps on signals:
// the first SIGTERM/SIGINT starts a graceful stop, a second one exits 1 at once
// (libs/platform enableGracefulShutdown). DUMMY_MODE: graceful | stubborn | crash.
const name = process.env.DUMMY_NAME || 'app';
const mode = process.env.DUMMY_MODE || 'graceful';
let signals = 0;
const onSignal = (sig) => {
  signals += 1;
  console.log(`${name} got ${sig} #${signals}`);
  if (signals > 1) process.exit(1);
  if (mode === 'stubborn') return;
  setTimeout(
    () => {
      console.log(`${name} stopped cleanly`);
      if (process.env.DUMMY_LOG) require('node:fs').appendFileSync(process.env.DUMMY_LOG, `${name} stopped cleanly after ${sig}\n`);
      process.exit(0);
    },
    Number(process.env.DUMMY_STOP_MS || 200),
  );
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
if (mode === 'crash') setTimeout(() => process.exit(3), Number(process.env.DUMMY_CRASH_MS || 300));
setInterval(() => undefined, 1000);
console.log(`${name} ready pid=${process.pid}`);
