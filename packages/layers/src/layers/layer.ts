/**
 * The layer protocol. A layer owns its parameters and nothing else: each `forward` call returns its
 * output together with a `backward` closure over what that one call saved. Nothing is cached on the
 * layer, so one instance can be applied to two inputs in one step (the Siamese tower) and each
 * application keeps its own saved values. Parameter gradients are always added into (`+=`), so a
 * shared layer receives the sum of both branches' gradients with no extra code.
 */
import type { NamedParam, Rng, Tensor, Workspace } from '@tsnn/tensor';

/** What a forward pass needs besides its input. Training vs inference is always explicit. */
export interface Context {
  /** true: dropout drops; false: inference, dropout is the identity. */
  training: boolean;
  /** The run's one seeded generator (dropout masks); inference draws nothing, so it may be left out there. */
  rng?: Rng;
  /** Reused output buffers (see Workspace); without it, layers allocate. */
  workspace?: Workspace;
}

/** One application of a layer: its output and how to send a gradient back through it. */
export interface Call {
  y: Tensor;
  /**
   * Adds this call's parameter gradients into each `param.grad` and returns dL/dx.
   * With `inputGrad = false` it skips computing dL/dx and returns null (the first layer of a model).
   */
  backward(dy: Tensor, inputGrad?: boolean): Tensor | null;
}

/** A JSON description of a layer, enough to rebuild it (the save format's architecture). */
export interface LayerConfig {
  kind: string;
  [key: string]: unknown;
}

export interface Layer {
  /** Short lower-case name used for parameter paths (`dense`, `dropout`, …). */
  readonly kind: string;
  /** Create parameters for `inFeatures` inputs; returns the number of output features. */
  build(inFeatures: number, rng: Rng): number;
  forward(x: Tensor, ctx: Context): Call;
  /** This layer's own parameters, with names relative to the layer (`kernel`, `bias`). */
  parameters(): NamedParam[];
  config(): LayerConfig;
}

/** Two inputs → one output (Subtract, EuclideanDistance). */
export interface MergeCall {
  y: Tensor;
  backward(dy: Tensor): [Tensor, Tensor];
}

export interface MergeLayer {
  readonly kind: string;
  /** Output features for inputs of `inFeatures` each. */
  outFeatures(inFeatures: number): number;
  forward(a: Tensor, b: Tensor, ctx: Context): MergeCall;
  config(): LayerConfig;
}
