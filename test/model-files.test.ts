/** @tsnn/layers/files.node: saveModelFile / loadModelFile, atomic and with errors naming the file and the operation. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, Tensor, TsnnError } from '@tsnn/tensor';
import { Dense, Dropout, ModelFormatError, Sequential, Siamese, Subtract, saveModel } from '@tsnn/layers';
import { loadModelFile, saveModelFile, writeFileAtomic } from '@tsnn/layers/files.node';

const dir = mkdtempSync(join(tmpdir(), 'tsnn-model-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function siamese(seed: number): Siamese {
  const m = new Siamese({ base: new Sequential([new Dense(4, { activation: 'relu' })]), merge: new Subtract(), head: new Sequential([new Dropout(0.1), new Dense(1, { activation: 'sigmoid' })]) });
  m.build(3, new Rng(seed));
  return m;
}

describe('saveModelFile / loadModelFile', () => {
  it('round trip for a Sequential and a Siamese; the file holds exactly saveModel(model); no temporary file is left', async () => {
    const mlp = new Sequential([new Dense(5, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })]);
    mlp.build(2, new Rng(1));
    const p1 = join(dir, 'mlp.tsnn'), p2 = join(dir, 'siamese.tsnn');
    await saveModelFile(p1, mlp);
    await saveModelFile(p2, siamese(2));
    expect(new Uint8Array(readFileSync(p1))).toEqual(saveModel(mlp));
    const a = await loadModelFile(p1);
    const x = new Tensor([1, 2], new Float32Array([0.3, -0.7]));
    const ctx = { training: false, rng: new Rng(0) };
    expect([...(a as Sequential).forward(x, ctx).y.data]).toEqual([...mlp.forward(x, ctx).y.data]);
    const b = await loadModelFile(p2);
    expect(b).toBeInstanceOf(Siamese);
    expect(saveModel(b)).toEqual(saveModel(siamese(2)));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('overwrites an existing file with the new model', async () => {
    const p = join(dir, 'over.tsnn');
    await saveModelFile(p, siamese(3));
    await saveModelFile(p, siamese(4));
    expect(saveModel(await loadModelFile(p))).toEqual(saveModel(siamese(4)));
  });

  it('errors name the operation and the file', async () => {
    const missing = join(dir, 'nope.tsnn');
    await expect(loadModelFile(missing)).rejects.toThrow(TsnnError);
    await expect(loadModelFile(missing)).rejects.toThrow(`loadModelFile: cannot read ${missing} (no such file)`);
    await expect(loadModelFile(dir)).rejects.toThrow(`loadModelFile: cannot read ${dir} (is a directory, not a file)`);
    const inNoDir = join(dir, 'no-such-folder', 'm.tsnn');
    await expect(saveModelFile(inNoDir, siamese(1))).rejects.toThrow(/^saveModelFile: cannot create .*no-such-folder.*\.tmp to write .*m\.tsnn \(ENOENT\)$/);
    const junk = join(dir, 'junk.tsnn');
    writeFileSync(junk, 'not a model');
    await expect(loadModelFile(junk)).rejects.toThrow(ModelFormatError);
    await expect(loadModelFile(junk)).rejects.toThrow(`${junk}: not a tsnn model file (bad magic bytes)`);
  });

  it('writeFileAtomic writes the exact bytes', async () => {
    const p = join(dir, 'raw.bin');
    const bytes = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);
    await writeFileAtomic(p, bytes);
    expect(new Uint8Array(readFileSync(p))).toEqual(bytes);
  });
});
