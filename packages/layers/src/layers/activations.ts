/** The activations Dense fuses, by name. Each one's forward, backward and derivative are in its own file. */
import type { Activation, ActivationFn } from './activation-layer.js';
import { relu } from './relu.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';

export type { Activation, ActivationFn } from './activation-layer.js';

/** The identity: y = x, dx = dy. */
export const linear: ActivationFn = {
  name: 'linear',
  forward(x, y, rows, cols) {
    if (x !== y) y.set(x.subarray(0, rows * cols));
  },
  backward(_y, dy, dx, rows, cols) {
    dx.set(dy.subarray(0, rows * cols));
  },
};

const BY_NAME: Record<Activation, ActivationFn> = { relu, sigmoid, tanh, softmax, linear };
export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh', 'softmax', 'linear'];

/** The activation called `name`. */
export function activationFn(name: Activation): ActivationFn {
  return BY_NAME[name];
}
