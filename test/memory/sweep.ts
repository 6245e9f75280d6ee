/**
 * Run by memory.test.ts in a child process (node --expose-gc): a hyperparameter sweep that builds a model
 * and an optimizer and calls fit, `rounds` times, awaiting a task between rounds as any async program does.
 * Prints the wasm heap's counters (heap.ts) every `every` rounds (a multiple of 25), right after a forced
 * collection and a turn of the event loop (so the finalizers of collected buffers have run). Nothing here depends on other
 * processes: the counts come from the heap itself.
 */
import { Rng } from '@tsnn/tensor';
import { heapStats, loadWasmRuntime } from '@tsnn/tensor/internal';
import { Dense, Dropout, Sequential, Siamese, Subtract, contrastiveLoss, fit, pairArrays, predict } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';

declare const process: { argv: string[]; stdout: { write(s: string): void } };
declare function gc(): void;
declare function setImmediate(f: () => void): void;
declare function setTimeout(f: () => void, ms: number): void;

const [rounds, every] = process.argv.slice(2).map(Number);
const features = 16, pairs = 64;
const rng = new Rng(1);
const a = new Float32Array(features * pairs).map(() => rng.uniformIn(-1, 1));
const b = new Float32Array(features * pairs).map(() => rng.uniformIn(-1, 1));
const data = pairArrays(a, b, new Float32Array(pairs).map((_, i) => i % 2), features);
const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve));

const memoryBytes = () => loadWasmRuntime()!.memory.buffer.byteLength; // exists before and after the heap learnt to free
for (let round = 1; round <= rounds; round++) {
  const model = new Siamese({
    base: new Sequential([new Dense(32, { activation: 'relu' }), new Dropout(0.1), new Dense(8, { activation: 'relu' })]),
    merge: new Subtract(),
    head: new Sequential([new Dense(1, { activation: 'sigmoid' })]),
  });
  model.build(features, rng);
  const optimizer = new RMSprop(model.parameters(), { learningRate: 1e-3 * (1 + (round % 7)) });
  fit(model, data, { epochs: 1, batchSize: 32, loss: contrastiveLoss, optimizer, rng });
  predict(model, data); // the model's inference workspace too
  await nextTask();
  // Collect every 25 rounds, then let the finalizers of collected buffers run (a later task), so the
  // figures do not depend on when V8 would have collected by itself (that depends on the machine's load).
  if (round % 25 === 0) {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
    }
  }
  if (round % every === 0) {
    process.stdout.write(JSON.stringify({ round, memoryBytes: memoryBytes(), ...heapStats() }) + '\n');
  }
}
