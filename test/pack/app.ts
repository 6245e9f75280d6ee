// A TypeScript consumer of the installed tarballs: test/pack.test.ts typechecks it with `tsc --strict`
// (moduleResolution nodenext, then bundler) in the fresh project. The @ts-expect-error lines fail the
// typecheck if a package's types were not found (everything would be `any`, and nothing an error).
import { Rng, Tensor, matmul, type NamedParam } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';
import { useThreads, stopThreads, type ThreadOptions } from '@tsnn/tensor/pool.node';
import { Dense, Dropout, Sequential, binaryCrossentropy, encodeModel, decodeModel, type Layer, type LossResult } from '@tsnn/layers';
import { RMSprop, type OptimizerState } from '@tsnn/optimizers';

const rng = new Rng(1);
const layers: Layer[] = [new Dense(8, { activation: 'relu' }), new Dropout(0.1), new Dense(1, { activation: 'sigmoid' })];
const model = new Sequential(layers);
const outFeatures: number = model.build(3, rng);
const params: NamedParam[] = model.parameters();
const optimizer = new RMSprop(params, { learningRate: 0.01 });
const x = new Tensor([4, 3]);
const call = model.forward(x, { training: true, rng });
const result: LossResult = binaryCrossentropy([0, 1, 0, 1], call.y);
call.backward(result.dyPred);
optimizer.step();
const state: OptimizerState = optimizer.getState();
const bytes: Uint8Array = encodeModel(model);
const names: string[] = decodeModel(bytes).manifest.tensors.map((t) => t.name);
const product: Tensor = matmul(x, new Tensor([3, 2]));
const options: ThreadOptions = { spin: 100 };
useBackendFromEnv('js');

export async function threads(): Promise<void> {
  await useThreads(2, options);
  await stopThreads();
}
export { outFeatures, state, names, product };

// @ts-expect-error Dense takes a number of units, not a string
new Dense('8');
// @ts-expect-error an Rng seed is not a string
new Rng('seed');
// @ts-expect-error RMSprop has no option 'lr'
new RMSprop(params, { lr: 0.01 });
// @ts-expect-error useThreads returns a promise, not a number
const n: number = useThreads(2);
