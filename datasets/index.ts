import type { BuiltinDatasets } from '../src/dataset/builtin.js';

/**
 * The built-in datasets, handed to the CLI by bin/modeval.js. Each builder is imported on first
 * use, so commands that build nothing never load the corpus, MIME or HTML packages.
 */
export const builtinDatasets: BuiltinDatasets = new Map([
  [
    'spamassassin',
    {
      describe: 'SpamAssassin public corpus (spam/ham e-mails), train and golden splits',
      build: async (options) => (await import('./spamassassin/index.js')).buildForCli(options),
    },
  ],
]);
