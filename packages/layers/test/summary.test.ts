import { describe, expect, it } from 'vitest';
import { Rng } from '@tsnn/tensor';
import { Dense, Dropout, EuclideanDistance, ReLU, Sequential, Siamese, Subtract, summary } from '@tsnn/layers';

const base = () => new Sequential([
  new Dense(128, { activation: 'relu' }), new Dropout(0.1), new Dense(128, { activation: 'relu' }), new Dropout(0.1), new Dense(128, { activation: 'relu' }),
]);

describe('summary', () => {
  it("lists the reference model's layers, output shapes and Keras's parameter count (135,585)", () => {
    const model = new Siamese({
      base: base(),
      merge: new Subtract(),
      head: new Sequential([new Dropout(0.1), new Dense(16, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]),
    });
    model.build(784, new Rng(0));
    const text = summary(model);
    const row = (path: string) => text.split('\n').find((l) => l.startsWith(path + ' '))!.split(/\s{2,}/);
    expect(row('base.dense1')).toEqual(['base.dense1', 'dense(128, relu)', '[batch, 128]', '100,480']);
    expect(row('base.dropout2')).toEqual(['base.dropout2', 'dropout(0.1)', '[batch, 128]', '0']);
    expect(row('base.dense3')).toEqual(['base.dense3', 'dense(128, relu)', '[batch, 128]', '16,512']);
    expect(row('merge')).toEqual(['merge', 'subtract', '[batch, 128]', '0']);
    expect(row('head.dense1')).toEqual(['head.dense1', 'dense(16, relu)', '[batch, 16]', '2,064']);
    expect(row('head.dense2')).toEqual(['head.dense2', 'dense(1, sigmoid)', '[batch, 1]', '17']);
    // 784·128+128 + 2·(128·128+128) + 128·16+16 + 16+1, the base counted once although applied twice.
    expect(text).toContain('Total params: 135,585 (529.6 KB as float32)');
    expect(text).toContain('Inputs: two of [batch, 784]');
  });

  it('covers a distance merge, an activation layer and a plain Sequential', () => {
    const siamese = new Siamese({ base: new Sequential([new Dense(4), new ReLU(), new Dense(2)]), merge: new EuclideanDistance(), head: new Sequential([]) });
    siamese.build(3, new Rng(1));
    const text = summary(siamese);
    expect(text).toMatch(/base\.relu1\s+relu\s+\[batch, 4\]\s+0/);
    expect(text).toMatch(/merge\s+euclidean\s+\[batch, 1\]\s+0/);
    expect(text).toContain('Total params: 26 ');
    const seq = new Sequential([new Dense(5), new Dense(2)]);
    seq.build(7, new Rng(2));
    expect(summary(seq)).toMatch(/^Input: \[batch, 7\]/);
    expect(summary(seq)).toContain('Total params: 52 ');
  });

  it('says so for a model that is not built', () => {
    expect(() => summary(new Sequential([new Dense(2)]))).toThrow(/not built/);
    expect(() => summary(new Siamese({ base: new Sequential([new Dense(2)]), merge: new Subtract(), head: new Sequential([]) }))).toThrow(/not built/);
  });
});
