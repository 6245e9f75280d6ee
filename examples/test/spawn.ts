/**
 * Run a node child process and wait for it without blocking the test worker's event loop. spawnSync would
 * block it for the child's whole run: under load a CLI run can outlast vitest's 60 s RPC timeout, and the
 * worker then fails the suite with `Timeout calling "onTaskUpdate"` although every test passed.
 */
import { spawn } from 'node:child_process';

export interface NodeRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `node <args>`, resolved when it exits, with its output as text. */
export function runNode(args: string[], options: { cwd?: string } = {}): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}
