import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { writeArrow } from '../helpers/arrow.js';
import { useTmpDir } from '../helpers/tmp.js';
import { syntheticWordPiece, twoTextModel, writeModelDir } from '../model/fixtures.js';

/**
 * A model folder whose tokenizer.json is a symbolic link to another file (SYNTHETIC model and
 * data). Links are followed (model caches such as Hugging Face's are links to blobs), but what is
 * read goes through util/files' bounded reader: a regular file under the tokenizer size cap, and
 * an error never quotes the file's content.
 */
const tmp = useTmpDir();
const CLI = join(import.meta.dirname, '..', '..', 'bin', 'modeval.js');
const SECRET = 'root:x:0:0:SECRET-TOKEN-8c1f:/root:/bin/bash';

function modelWithTokenizerLink(target: string): { model: string; data: string; out: string } {
  const dir = tmp();
  const model = writeModelDir(join(dir, 'model'), {
    onnx: twoTextModel(),
    card: {
      name: 'two-text (synthetic)',
      version: '1',
      task: 'multiclass',
      labels: ['a', 'b'],
      inputs: [
        { kind: 'text', column: 'subject', maxLength: 16, feeds: { input_ids: 'ids_a' } },
        { kind: 'text', column: 'body', maxLength: 16, feeds: { input_ids: 'ids_b' } },
      ],
    },
  });
  symlinkSync(target, join(model, 'tokenizer.json'));
  const data = join(dir, 'data.arrow');
  const U = new Utf8();
  writeArrow(data, {
    id: { values: ['x', 'y'], type: U },
    subject: { values: ['free money', 'hello'], type: U },
    body: { values: ['winning now', 'hello world'], type: U },
    label: { values: ['a', 'b'], type: U },
  });
  return { model, data, out: join(dir, 'out') };
}

function run(target: string): { status: number | null; stderr: string; tokenizer: string } {
  const m = modelWithTokenizerLink(target);
  const r = spawnSync(
    process.execPath,
    [CLI, 'run', '--model', m.model, '--dataset', m.data, '--out', m.out, '--quiet', '--workers', '1'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stderr: r.stderr, tokenizer: join(m.model, 'tokenizer.json') };
}

describe('a tokenizer that is a link to another file', () => {
  it('to a file that is not JSON: exit 2 naming the tokenizer, the content never quoted', () => {
    const secret = join(tmp(), 'passwd');
    writeFileSync(secret, `${SECRET}\n`.repeat(3));
    const r = run(secret);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${r.tokenizer}: the tokenizer is not valid JSON`);
    expect(r.stderr).not.toContain('SECRET');
    expect(r.stderr).not.toContain('root:x');
  });

  it('to JSON that is no tokenizer: exit 2, the values it holds never quoted at length', () => {
    const other = join(tmp(), 'other.json');
    const parts = { normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null };
    writeFileSync(other, JSON.stringify({ ...parts, model: { type: `${SECRET}${'x'.repeat(500)}` } }));
    const r = run(other);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${r.tokenizer}: tokenizers.js cannot build the tokenizer: Unknown TokenizerModel type`,
    );
    expect(r.stderr).not.toContain('x'.repeat(100));
  });

  it('to a device: refused as not a regular file, without reading it', () => {
    const r = run('/dev/zero');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${r.tokenizer}: the tokenizer is not a regular file`);
  });

  it('to a real tokenizer elsewhere: followed and used', () => {
    const real = join(tmp(), 'tokenizer.json');
    writeFileSync(real, JSON.stringify(syntheticWordPiece()));
    expect(run(real).status).toBe(0);
  });
});
