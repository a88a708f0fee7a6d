import { OUTPUT_FILES, readOutput } from '../io/outputs.js';
import type { ClusterMembership } from './candidate.js';

/**
 * Item id → its error cluster, from a clusters.json written by `modeval clusters`. On a
 * multi-policy set an item can sit in several (missed X and missed its parent): the best-ranked.
 */
export async function loadClusterMembership(file: string): Promise<Map<string, ClusterMembership>> {
  const report = await readOutput(OUTPUT_FILES.clusters, file);
  const out = new Map<string, ClusterMembership>();
  for (const c of report.clusters) {
    for (const id of c.members) {
      const before = out.get(id);
      if (!before || c.rank < before.rank) out.set(id, { cluster: c.id, rank: c.rank });
    }
  }
  return out;
}
