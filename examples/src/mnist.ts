/**
 * `pnpm example:mnist`: the command-line entry. Ctrl-C (SIGINT) or SIGTERM finishes the current step,
 * writes a checkpoint, says how to resume and exits 130 (143 for SIGTERM); during the final evaluation
 * it says what was kept. A second signal stops at once.
 */
import { runCommand, signalStatus } from './command.js';
import { consoleOutput } from './console-output.js';
import { MNIST_USAGE, parseMnistArgs } from './mnist-cli.js';
import { runMnist } from './mnist-run.js';
import { stopOnSignals, type StopSignal } from './run-common.js';

const stop: StopSignal = { requested: false };
stopOnSignals(stop);

process.exitCode = await runCommand({
  usage: MNIST_USAGE,
  parse: parseMnistArgs,
  run: async (opts) => ((await runMnist(opts, consoleOutput(), stop)).stopped ? signalStatus(stop.signal) : 0),
}, process.argv.slice(2));
