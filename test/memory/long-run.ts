/**
 * Run by memory.test.ts in a child process (node --expose-gc): one model trained for 32 epochs (640 steps:
 * buffers made, the JIT done), then two windows of 30 epochs (600 steps each). Prints, after a forced
 * collection at each of the three points, the wasm heap's counters, the JS heap's used bytes and the bytes
 * of ArrayBuffers outside it. In a process of its own nothing else moves these figures; what still moves the
 * JS heap by a few hundred KB from one measurement to the next is V8's own bookkeeping (compiled code, feedback), which
 * goes up and down, while a leak grows it in every window.
 */
import { Rng } from '@tsnn/tensor';
import { heapStats } from '@tsnn/tensor/internal';
import { Dense, Dropout, Sequential, Siamese, Subtract, contrastiveLoss, fit, initialFitState, pairArrays } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';

declare const process: { stdout: { write(s: string): void }; memoryUsage(): { heapUsed: number; arrayBuffers: number } };
declare function gc(): void;
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
const trainTo = (epochs: number) => fit(model, data, { epochs, batchSize: 32, loss: contrastiveLoss, optimizer, rng, state });

/**
 * Collect, then let the finalizers of collected buffers run: V8 runs them in a task of its own, some time
 * after the collection, so one turn of the event loop is not always enough (1 run in ~80 measured an earlier
 * fit's workspace still live, and 2 in ~200 with 3 rounds of 2 ms). Repeats until the heap's live-buffer
 * count has held for 10 rounds of 5 ms.
 */
async function settle(): Promise<void> {
  let last = -1, same = 0;
  for (let round = 0; round < 400 && same < 10; round++) {
    gc();
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
    const live = heapStats()?.liveBuffers ?? -1; // null only without the wasm backend (the test checks it)
    same = live === last ? same + 1 : 0;
    last = live;
  }
}

async function measure() {
  await settle();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { epoch: state.epoch, heap: heapStats(), jsHeapUsed: heapUsed, arrayBuffers };
}

trainTo(32); // warm up: buffers, JIT
const points = [await measure()];
trainTo(62);
points.push(await measure());
trainTo(92);
points.push(await measure());
process.stdout.write(JSON.stringify(points) + '\n');
