import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/util/errors.js';
import {
  errnoCode,
  jsonErrorWithoutContent,
  readBytesFile,
  readJsonFile,
  readTextFile,
  statRegularFile,
} from '../../src/util/files.js';
import { useTmpDir } from '../helpers/tmp.js';

const tmp = useTmpDir();

describe('errnoCode', () => {
  it('takes the errno code, or the error text when there is none', () => {
    expect(errnoCode(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('EACCES');
    expect(errnoCode(new Error('plain'))).toBe('Error: plain');
    expect(errnoCode(undefined)).toBe('undefined');
  });
});

describe('readTextFile / readBytesFile', () => {
  it('reads text as UTF-8 and bytes as they are', async () => {
    const file = join(tmp(), 'a.txt');
    writeFileSync(file, 'é\n');
    expect(await readTextFile(file, 'note')).toBe('é\n');
    expect(Array.from(await readBytesFile(file, 'note'))).toEqual([0xc3, 0xa9, 0x0a]);
  });

  it('a missing file is bad input naming the file, its role and the errno code', async () => {
    const file = join(tmp(), 'none.yaml');
    const err = await readTextFile(file, 'gate policy').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as BadInputError).message).toBe(`${file}: cannot read the gate policy: ENOENT`);
    await expect(readBytesFile(file, 'ONNX model')).rejects.toThrow(
      `${file}: cannot read the ONNX model: ENOENT`,
    );
  });

  it('a folder is bad input with its errno code', async () => {
    await expect(readTextFile(tmp(), 'verdict file')).rejects.toThrow(/cannot read the verdict file: EISDIR/);
  });
});

describe('readJsonFile', () => {
  it('parses JSON', async () => {
    const file = join(tmp(), 'x.json');
    writeFileSync(file, '{"a":[1,2]}');
    expect(await readJsonFile(file, 'thing')).toEqual({ a: [1, 2] });
  });

  it('cut JSON is bad input naming the file and its role', async () => {
    const file = join(tmp(), 'cut.json');
    writeFileSync(file, '{"a":');
    await expect(readJsonFile(file, 'metrics report')).rejects.toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the metrics report is not valid JSON: `),
    );
  });

  it('a missing file is bad input, not a parse error', async () => {
    await expect(readJsonFile(join(tmp(), 'gone.json'), 'spec')).rejects.toThrow(
      /cannot read the spec: ENOENT/,
    );
  });
});

describe('jsonErrorWithoutContent', () => {
  const messageOf = (text: string) => {
    try {
      JSON.parse(text);
    } catch (err) {
      return jsonErrorWithoutContent((err as Error).message);
    }
    throw new Error('parsed');
  };

  it("drops V8's excerpt and token, cut or whole, and keeps position messages", () => {
    const secret = 'root:x:0:0:SECRET:/root:/bin/bash\n'.repeat(3);
    for (const text of [secret, 'xyz', `  {"a":1} ${secret}`.slice(0, 9) + secret, "'quoted'", ',']) {
      const m = messageOf(text);
      expect(m.replace("(the file's text is not shown)", '')).not.toMatch(/root|SECRET|xyz|quoted|'/);
    }
    expect(messageOf(secret)).toBe("Unexpected token (the file's text is not shown)");
    expect(messageOf('{"a" 1}')).toBe("Expected ':' after property name in JSON at position 5");
    expect(messageOf('')).toBe('Unexpected end of JSON input');
  });
});

describe('statRegularFile', () => {
  it('refuses a folder naming its role, and words a failed stat from the errno code', async () => {
    const dir = join(tmp(), 'd');
    mkdirSync(dir);
    await expect(statRegularFile(dir, (c) => `cannot read (${c})`, 'dataset')).rejects.toThrow(
      `${dir}: dataset is not a regular file`,
    );
    await expect(statRegularFile(join(dir, 'x'), (c) => `cannot read (${c})`)).rejects.toThrow(
      /cannot read \(ENOENT\)/,
    );
  });
});
