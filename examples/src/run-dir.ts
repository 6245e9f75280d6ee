/**
 * The --out folder of a run. While a run writes it, the folder is locked: `.tsnn.lock`, created
 * exclusively (O_EXCL) and holding the run's PID; a lock whose process is gone is taken over, saying so.
 * A new run refuses a folder that already holds a run (its finished or resumable files) unless told to
 * replace it. Temporary files left by runs that died (`.NAME.PID.tmp`) are removed at start.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.tsnn.lock';

export interface RunDirOptions {
  /** How the folder was named on the command line, e.g. '--out'. */
  flag: string;
  /** Files whose presence means the folder holds a run, e.g. ['model.tsnn', 'checkpoint.tsnn']. */
  runFiles: string[];
  /** Every file a run writes (with `overwrite`, clearPrevious removes them, so no file of the old run is left among the new). */
  outputs: string[];
  /** 'new': refuse a folder holding a run unless `overwrite`; 'continue': the run in it is ours (--resume). */
  mode: 'new' | 'continue';
  overwrite: boolean;
  /** What to suggest instead, e.g. '--resume DIR' — or null when the command cannot resume. */
  resumeHint: string | null;
}

/** A folder locked for this run; `release` removes the lock (also called at process exit). */
export interface RunDir {
  dir: string;
  /**
   * With `overwrite`: remove the previous run's files. Called once the new run has checked its inputs and
   * is about to write, so a run that fails before (bad data, bad flags) leaves the old run whole.
   */
  clearPrevious(): void;
  release(): void;
}

/** Is process `pid` running? (Signal 0 checks without sending anything; EPERM: running, as another user.) */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLockPid(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function createLock(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Lock `dir` (creating it), sweep dead runs' temporary files, and check it may be written; `say` reports what was done. */
export function claimRunDir(dir: string, o: RunDirOptions, say: (line: string) => void): RunDir {
  const lock = join(dir, LOCK_FILE);
  try {
    mkdirSync(dir, { recursive: true });
    if (!createLock(lock)) {
      const pid = readLockPid(lock);
      if (pid !== null && processAlive(pid)) {
        throw new Error(`${o.flag} ${dir} is in use by another run (PID ${pid}, lock file ${lock}): wait for it to end or choose another ${o.flag}`);
      }
      rmSync(lock, { force: true });
      if (!createLock(lock)) throw new Error(`${o.flag} ${dir}: another run took the lock (${lock}) at the same moment`);
      say(`Took over the lock of a run that is no longer running (${pid === null ? 'unreadable PID' : `PID ${pid}`}): ${lock}`);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new Error(`${o.flag} ${dir}: cannot write there (${code})`);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readLockPid(lock) === process.pid) rmSync(lock, { force: true });
  };
  process.on('exit', release);
  let previous = false;
  try {
    sweepTemporaries(dir, say);
    const present = o.runFiles.filter((f) => existsSync(join(dir, f)));
    if (present.length > 0 && o.mode === 'new') {
      if (!o.overwrite) {
        const kind = present.includes('model.tsnn') || !present.includes('checkpoint.tsnn') ? 'a finished run' : 'a resumable run';
        const ways = [o.resumeHint && `continue it with ${o.resumeHint}`, 'replace it with --overwrite', `or choose another ${o.flag}`].filter(Boolean);
        throw new Error(`${o.flag} ${dir} already holds ${kind} (${present.join(', ')}): ${ways.join(', ')}`);
      }
      previous = true;
    }
  } catch (e) {
    release();
    throw e;
  }
  const clearPrevious = () => {
    if (!previous) return;
    previous = false;
    const removed = o.outputs.filter((f) => existsSync(join(dir, f)));
    for (const f of removed) rmSync(join(dir, f), { force: true });
    say(`--overwrite: removed the previous run's ${removed.join(', ')} from ${dir}`);
  };
  return { dir, clearPrevious, release };
}

/** Remove `.NAME.PID.tmp` (and `.write-test.PID`) files of processes that are no longer running. */
function sweepTemporaries(dir: string, say: (line: string) => void): void {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^\..+\.(\d+)\.tmp$/.exec(name) ?? /^\.write-test\.(\d+)$/.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  if (removed.length > 0) say(`Removed ${removed.length} temporary file(s) left by runs that died: ${removed.join(', ')}`);
}
