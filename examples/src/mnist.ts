/**
 * `pnpm example:mnist`: the command-line entry. Ctrl-C finishes the current step, writes a checkpoint,
 * says how to resume and exits 130; a second Ctrl-C stops at once.
 */
import { runCommand } from './command.js';
import { consoleOutput } from './console-output.js';
import { MNIST_USAGE, parseMnistArgs } from './mnist-cli.js';
import { runMnist } from './mnist-run.js';
import type { StopSignal } from './run-common.js';

const stop: StopSignal = { requested: false };
process.on('SIGINT', () => {
  if (stop.requested) process.exit(130);
  stop.requested = true;
  process.stderr.write('\nInterrupted: finishing this step and writing a checkpoint (Ctrl-C again to quit now)\n');
});

process.exitCode = await runCommand({
  usage: MNIST_USAGE,
  parse: parseMnistArgs,
  run: async (opts) => ((await runMnist(opts, consoleOutput(), stop)).stopped ? 130 : 0),
}, process.argv.slice(2));
