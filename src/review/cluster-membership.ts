import { ClustersReportSchema } from '../analysis/clusters-schema.js';
import { BadInputError } from '../util/errors.js';
import { readJsonFile } from '../util/files.js';
import type { ClusterMembership } from './select.js';

/** Item id → its error cluster, from a clusters.json written by `modeval clusters`. */
export async function loadClusterMembership(file: string): Promise<Map<string, ClusterMembership>> {
  const parsed = ClustersReportSchema.safeParse(await readJsonFile(file, 'clusters file'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadInputError(`not a modeval clusters.json (${issue.message})`, {
      file,
      field: issue.path.join('.') || '(root)',
    });
  }
  const out = new Map<string, ClusterMembership>();
  for (const c of parsed.data.clusters)
    for (const id of c.members) out.set(id, { cluster: c.id, rank: c.rank });
  return out;
}
