/**
 * `pnpm example:siamese`: the command-line entry. Ctrl-C (SIGINT) or SIGTERM finishes the current step,
 * writes a checkpoint, says how to resume and exits 130 (143 for SIGTERM); during the final evaluation
 * it says what was kept. A second signal stops at once.
 */
import { USAGE, parseSiameseArgs } from './cli.js';
import { runCommand, signalStatus } from './command.js';
import { consoleOutput } from './console-output.js';
import { stopOnSignals, type StopSignal } from './run-common.js';
import { runSiamese } from './siamese-run.js';

const stop: StopSignal = { requested: false };
stopOnSignals(stop);

process.exitCode = await runCommand({
  usage: USAGE,
  parse: parseSiameseArgs,
  run: async (opts) => ((await runSiamese(opts, consoleOutput(), stop)).stopped ? signalStatus(stop.signal) : 0),
}, process.argv.slice(2));
