/**
 * Runs the apps as child processes with prefixed, coloured output (concurrently's
 * programmatic core) and stops them cleanly.
 *
 * Each child runs in its own process group (detached), so Ctrl-C in the terminal
 * reaches only this supervisor, which sends exactly ONE SIGTERM to each app. Without
 * that, the terminal's SIGINT and a forwarded signal would both arrive, and the apps
 * treat a second signal as "exit now" (libs/platform enableGracefulShutdown).
 * A second Ctrl-C here kills the children at once; so does the stop deadline.
 *
 * SIGTERM to the `npm start` npm process does NOT reach this supervisor: npm forwards
 * it to its `sh -c` child, which dies without passing it on, and this process is
 * re-parented. So the supervisor also watches its parent: when process.ppid changes,
 * it stops the apps exactly as on SIGHUP (one SIGTERM each, the same deadline).
 */
import { ChildProcess, spawn as spawnChild, SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createConcurrently, LogError, LogExit, LogOutput, Logger } from 'concurrently';
import type { Command } from 'concurrently';

const PARENT_WATCH = join(__dirname, 'parent-watch.js');
/** The stop cause when the supervisor's own parent went away. */
export const PARENT_EXITED = 'parent process exited';

export interface AppProcess {
  name: string;
  /** argv; a leading "node" runs under the current Node binary. */
  argv: string[];
  env?: Record<string, string | undefined>;
  /** A chalk colour name for the prefix (cyan, magenta, yellow, …). */
  color?: string;
}

export interface SuperviseOptions {
  /** How long the apps may take to stop after SIGTERM before they are killed. */
  stopTimeoutMs: number;
  out?: Writable;
  /** Signals that stop the apps. */
  signals?: NodeJS.Signals[];
  /** How often to check that the parent process is still there (ms); 0 = don't watch. Default 500. */
  parentWatchMs?: number;
  /** Called once every app has been spawned; the AbortSignal fires when stopping begins. */
  onStarted?: (stopping: AbortSignal) => void;
  cwd?: string;
}

export interface SuperviseResult {
  /** 0 when every app stopped by itself after our signal (exit 0 or by that SIGTERM); 1 otherwise. */
  exitCode: number;
  /** Why the apps stopped: a signal name, or `<app> exited`. */
  cause: string;
  exits: Array<{ name: string; exitCode: number | string; killed: boolean }>;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Runs the apps until a signal arrives or one of them exits, then stops the rest. */
export function supervise(apps: AppProcess[], opts: SuperviseOptions): Promise<SuperviseResult> {
  const out = opts.out ?? process.stdout;
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const argvByCommand = new Map<string, string[]>();
  for (const app of apps) argvByCommand.set(app.argv.join(' '), app.argv);

  const logger = new Logger({ prefixFormat: 'name', raw: false });
  const children = new Set<ChildProcess>();
  const spawn = (command: string, options: SpawnOptions): ChildProcess => {
    const argv = argvByCommand.get(command);
    if (!argv) throw new Error(`unknown command ${command}`);
    const [file, ...args] = argv;
    // Node apps get the parent watch: they stop themselves if this supervisor is killed.
    const child =
      file === 'node'
        ? spawnChild(process.execPath, ['-r', PARENT_WATCH, ...args], { ...options, detached: true })
        : spawnChild(file, args, { ...options, detached: true });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const { commands } = createConcurrently(
    apps.map((a) => ({ command: a.argv.join(' '), name: a.name, env: a.env ?? {}, prefixColor: a.color })),
    {
      logger,
      outputStream: out,
      cwd: opts.cwd,
      spawn,
      kill: (pid: number, signal?: string) => killGroup(pid, (signal as NodeJS.Signals) ?? 'SIGTERM'),
      controllers: [new LogError({ logger }), new LogOutput({ logger }), new LogExit({ logger })],
      prefixColors: apps.map((a) => a.color ?? 'auto'),
    },
  );

  return new Promise<SuperviseResult>((resolve) => {
    const stopping = new AbortController();
    let cause = '';
    let forced = false;
    let deadline: NodeJS.Timeout | undefined;
    const exits: SuperviseResult['exits'] = [];
    const running = new Set<Command>(commands);

    const forceKill = (why: string) => {
      forced = true;
      logger.logGlobalEvent(`${why}: killing ${[...running].map((c) => c.name).join(', ')}`);
      for (const c of running) if (c.pid) killGroup(c.pid, 'SIGKILL');
    };

    const stop = (why: string) => {
      if (stopping.signal.aborted) return;
      cause = why;
      stopping.abort();
      logger.logGlobalEvent(`${why}: stopping ${[...running].map((c) => c.name).join(', ')} (up to ${Math.round(opts.stopTimeoutMs / 1000)} s)`);
      for (const c of running) c.kill('SIGTERM');
      deadline = setTimeout(() => forceKill(`still running after ${Math.round(opts.stopTimeoutMs / 1000)} s`), opts.stopTimeoutMs);
    };

    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping.signal.aborted) {
        if (running.size) forceKill(`second ${signal}`);
        return;
      }
      stop(signal);
    };
    for (const s of signals) process.on(s, onSignal);

    // Our parent died (npm got SIGTERM and its `sh -c` took it without forwarding): stop like on SIGHUP.
    const parent = process.ppid;
    const parentWatchMs = opts.parentWatchMs ?? 500;
    const parentWatch =
      parentWatchMs > 0
        ? setInterval(() => {
            if (process.ppid !== parent) {
              clearInterval(parentWatch);
              if (!stopping.signal.aborted) stop(PARENT_EXITED);
            }
          }, parentWatchMs)
        : undefined;
    parentWatch?.unref();

    // Never leave orphans behind if this process dies some other way.
    const onExit = () => {
      for (const child of children) if (child.pid) killGroup(child.pid, 'SIGTERM');
    };
    process.on('exit', onExit);

    for (const command of commands) {
      command.close.subscribe(({ exitCode, killed }) => {
        running.delete(command);
        exits.push({ name: command.name, exitCode, killed });
        if (!stopping.signal.aborted) stop(`${command.name} exited with code ${exitCode}`);
        if (running.size === 0) {
          if (deadline) clearTimeout(deadline);
          if (parentWatch) clearInterval(parentWatch);
          for (const s of signals) process.off(s, onSignal);
          process.off('exit', onExit);
          const bySignal = signals.includes(cause as NodeJS.Signals) || cause === PARENT_EXITED;
          // Exit 0, or death by the SIGTERM we sent (Nest's enableShutdownHooks re-raises it after closing).
          const clean = bySignal && !forced && exits.every((e) => e.exitCode === 0 || e.exitCode === 'SIGTERM');
          resolve({ exitCode: clean ? 0 : 1, cause, exits });
        }
      });
    }
    opts.onStarted?.(stopping.signal);
  });
}
