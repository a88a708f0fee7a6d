import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';
import { defineFormat } from './format.js';
import {
  ARGILLA_LOG_AGENT,
  ARGILLA_LOG_SCORE,
  ARGILLA_QUESTION,
  argillaDatasetModel,
  argillaLogRecords,
  argillaRecords,
  argillaSettings,
} from './shared/argilla-records.js';
import { parseArgillaExport } from './shared/argilla-verdicts.js';

/**
 * Argilla 2.x: the folder `Dataset.to_disk` writes (loaded by `rg.Dataset.from_disk`) plus records
 * for `dataset.records.log`; back its record exports, or the `to_disk` folder after review.
 */
export const format = defineFormat({
  id: 'argilla',
  title: 'Argilla',
  // `datasets/_io/_disk.py` (SDK >= 2.2, PR #5341): the dataset model and settings under `.argilla/`.
  files: [
    'argilla/.argilla/dataset.json',
    'argilla/.argilla/settings.json',
    'argilla/records.json',
    'argilla/records-log.json',
    'argilla/records-log-mapping.json',
  ],
  async write(dir, batch) {
    const { blind } = batch;
    const json = (v: unknown) => `${JSON.stringify(v)}\n`;
    const at = (name: string) => join(dir, 'argilla', name);
    const settings = argillaSettings(batch);
    const name = `modeval-${batch.queue}-${batch.batch}`;
    await writeFileAtomic(at('.argilla/dataset.json'), json(argillaDatasetModel(name, settings.guidelines)));
    await writeFileAtomic(at('.argilla/settings.json'), json(settings));
    await writeFileAtomic(at('records.json'), json(argillaRecords(batch)));
    await writeFileAtomic(at('records-log.json'), json(argillaLogRecords(batch)));
    const mapping = blind
      ? {}
      : {
          [ARGILLA_LOG_SCORE]: `${ARGILLA_QUESTION}.suggestion.score`,
          [ARGILLA_LOG_AGENT]: `${ARGILLA_QUESTION}.suggestion.agent`,
        };
    await writeFileAtomic(at('records-log-mapping.json'), json(mapping));
  },
  read: {
    describe: 'Argilla record export or dataset folder',
    sniff(_file, { root, keys }) {
      // `to_dict` records nest `fields`/`responses`; `to_list(flatten=True)` writes
      // `<question>.responses` keys; records come as an array, as JSON Lines (the first line is
      // a record) or wrapped as `{ "records": [...] }`.
      if (root === null) return null;
      const flat = [...keys].some((k) => k.endsWith('.responses'));
      if (keys.has('responses') || keys.has('fields') || flat) return 'shape';
      return root === 'object' && keys.has('records') ? 'shape' : null;
    },
    parse: parseArgillaExport,
    folder: { file: 'records.json', what: 'an Argilla dataset folder' },
  },
});
