// Preloaded (node -r) into every app `npm start` runs. The apps live in their own
// process groups (so Ctrl-C reaches only the supervisor); if the supervisor dies
// without stopping them (SIGKILL, OOM), an app notices it was re-parented and sends
// itself SIGTERM: a graceful stop instead of an orphan holding ports and connections.
'use strict';
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }
}, 1000);
timer.unref();
