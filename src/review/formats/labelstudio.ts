import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';
import { defineFormat } from './format.js';
import { labelStudioConfig, labelStudioTasks } from './shared/labelstudio-tasks.js';
import { parseLabelStudioExport } from './shared/labelstudio-verdicts.js';

const TASKS = 'labelstudio-tasks.json';
const CONFIG = 'labelstudio-config.xml';

/**
 * Label Studio: tasks to import with the models' predictions and a labelling config to paste, and
 * back its JSON and JSON-MIN exports (its CSV export is read as CSV: the same flat columns).
 */
export const format = defineFormat({
  id: 'labelstudio',
  title: 'Label Studio',
  files: [TASKS, CONFIG],
  async write(dir, batch) {
    const { items, view } = batch;
    const tasks = labelStudioTasks(items, batch.golden, view);
    await writeFileAtomic(join(dir, TASKS), `${JSON.stringify(tasks, null, 1)}\n`);
    // Reviewers of a multi-label queue tick several choices.
    const config = labelStudioConfig(batch.labels, `modeval review: ${batch.queue}`, view.multiLabel);
    await writeFileAtomic(join(dir, CONFIG), config);
  },
  read: {
    describe: 'Label Studio JSON or JSON-MIN export',
    sniff(_file, { root, keys }) {
      if (root !== 'array') return null;
      // Tasks carry `data` + `annotations`; a JSON-MIN row our `item_id` beside the `annotator`
      // every row has (an unannotated task's row has no `label`).
      if (keys.has('annotations') && keys.has('data')) return 'shape';
      if (keys.has('item_id') && (keys.has('annotator') || keys.has('label'))) return 'hint';
      return null;
    },
    parse: parseLabelStudioExport,
  },
});
