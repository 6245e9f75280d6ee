/**
 * Run by memory.test.ts in a child process (node --expose-gc): one model trained for 2 epochs (warm-up),
 * then 60 more (1,200 steps). Prints the wasm heap's counters and the JS heap's used bytes, each after a
 * forced collection, before and after. In a process of its own, the JS heap holds only this run, so
 * neither other processes nor the test runner's own bookkeeping can move the figures.
 */
import { Rng } from '@tsnn/tensor';
import { heapStats } from '@tsnn/tensor/internal';
import { Dense, Dropout, Sequential, Siamese, Subtract, contrastiveLoss, fit, initialFitState, pairArrays } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';

declare const process: { stdout: { write(s: string): void }; memoryUsage(): { heapUsed: number } };
declare function gc(): void;
declare function setImmediate(f: () => void): void;
declare function setTimeout(f: () => void, ms: number): void;

const rng = new Rng(4);
const features = 64;
const a = new Float32Array(features * 640).map(() => rng.uniformIn(-1, 1));
const b = new Float32Array(features * 640).map(() => rng.uniformIn(-1, 1));
const data = pairArrays(a, b, new Float32Array(640).map((_, i) => i % 2), features);
const model = new Siamese({
  base: new Sequential([new Dense(32, { activation: 'relu' }), new Dropout(0.1), new Dense(16, { activation: 'relu' })]),
  merge: new Subtract(),
  head: new Sequential([new Dropout(0.1), new Dense(1, { activation: 'sigmoid' })]),
});
model.build(features, rng);
const optimizer = new RMSprop(model.parameters());
const state = initialFitState();
const train = (epochs: number) => fit(model, data, { epochs, batchSize: 32, loss: contrastiveLoss, optimizer, rng, state });

async function measure() {
  for (let i = 0; i < 3; i++) { // collect, then let the finalizers of collected buffers run (a later task)
    gc();
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  return { heap: heapStats(), jsHeapUsed: process.memoryUsage().heapUsed };
}

train(2); // warm up: buffers, JIT
const before = await measure();
train(62); // 60 more epochs, 1,200 more steps
const after = await measure();
process.stdout.write(JSON.stringify({ before, after, epochs: state.epoch }) + '\n');
