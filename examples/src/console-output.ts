/** Output to the terminal: a live status line on a tty, plain lines otherwise (Node only). */
import type { Output } from './progress.js';

export function consoleOutput(): Output {
  const tty = Boolean(process.stdout.isTTY);
  return {
    tty,
    line: (s) => process.stdout.write(`${tty ? '\r\x1b[2K' : ''}${s}\n`),
    status: (s) => process.stdout.write(`\r\x1b[2K${s}`),
  };
}
