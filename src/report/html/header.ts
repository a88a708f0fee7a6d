import { basename } from 'node:path';
import { cleanText } from '../../render/clean.js';
import { html, type SafeHtml } from '../../render/html.js';
import { intervalCaption } from '../../render/interval-caption.js';
import { count } from '../../render/numbers.js';
import { HEADLINES } from '../headlines.js';
import type { ReportInputs } from '../load.js';
import { reportWarnings } from '../warnings.js';
import { EMPTY, ivCell, note, prose, type SectionContext, table, warning } from './parts.js';

function short(hash: string | null | undefined): SafeHtml {
  if (!hash) return html`<span class="na">—</span>`;
  return html`<code title="${hash}">${hash.slice(0, 12)}</code>`;
}

function keyValues(record: Record<string, string | number | boolean | null>): SafeHtml {
  const entries = Object.entries(record);
  if (entries.length === 0) return html`<span class="na">—</span>`;
  return html`${entries.map(([k, v]) => html`<span class="kv">${cleanText(k, 40)}=${cleanText(String(v), 80)}</span> `)}`;
}

/** One line per model in the banner: what was measured on what, by which harness. */
function fingerprints(inputs: ReportInputs, ctx: SectionContext): SafeHtml {
  const lines = inputs.models.map(
    (m) =>
      html`<li>${cleanText(m.model.model.name, ctx.limits.nameChars)} ${cleanText(m.model.model.version, 40)} · model sha256 <code>${(m.model.model.sha256 ?? '—').slice(0, 12)}</code> · dataset sha256 <code>${m.report.dataset.fingerprint.slice(0, 12)}</code> · modeval ${cleanText(m.meta?.harness.version ?? m.report.harness.version, 40)}${
        m.meta
          ? html` · ${Object.entries(m.meta.runtime)
              .slice(0, 4)
              .map(([k, v]) => `${cleanText(k, 30)} ${cleanText(v, 30)}`)
              .join(', ')}`
          : EMPTY
      }</li>`,
  );
  const c = inputs.comparison?.comparison;
  if (inputs.models.length === 0 && c) {
    lines.push(html`<li>dataset sha256 <code>${c.dataset.fingerprint.slice(0, 12)}</code></li>`);
  }
  return lines.length > 0 ? html`<ul class="fp">${lines}</ul>` : EMPTY;
}

/** Fingerprints and options: which model, which data, which harness, which settings. */
export function headerSection(
  inputs: ReportInputs,
  ctx: SectionContext,
): { banner: SafeHtml; provenance: SafeHtml } {
  const L = ctx.limits;
  const first = inputs.models[0];
  const dataset = first?.report.dataset ?? inputs.comparison?.comparison.dataset ?? null;
  const labels = first?.report.labels ?? inputs.comparison?.comparison.labels ?? [];
  const shownLabels = labels.slice(0, 20).map((l) => cleanText(l, L.nameChars));
  const datasetRows = dataset
    ? [
        ['file', cleanText(dataset.file, 200)],
        ['fingerprint (sha256)', html`<code>${dataset.fingerprint}</code>`],
        ...(first
          ? [
              ['spec', cleanText(first.report.dataset.spec, 200)],
              [
                'rows',
                `${count(first.report.dataset.rows)} rows, ${count(first.report.dataset.labelled)} labelled, ${count(first.report.dataset.evaluated)} evaluated (${count(first.report.dataset.rejected)} rejected, ${count(first.report.dataset.unlabelled)} unlabelled)`,
              ],
              [
                'task',
                `${first.report.task}${first.report.positive ? `, positive label: ${cleanText(first.report.positive, L.nameChars)}` : ''}`,
              ],
            ]
          : []),
        [
          'labels',
          prose(
            `${shownLabels.join(', ')}${labels.length > shownLabels.length ? `, … (${labels.length} in all)` : ''}`,
          ),
        ],
      ]
    : [];
  const modelRows = inputs.models.map((m) => {
    const meta = m.meta;
    const run = m.run;
    return [
      cleanText(m.model.model.name, L.nameChars),
      cleanText(m.model.model.version, 40),
      short(m.model.model.sha256),
      short(meta?.model.cardSha256),
      cleanText(basename(m.model.model.predictionsFile), 80),
      short(m.model.model.datasetFingerprint),
      meta ? `${cleanText(meta.harness.version, 40)}` : cleanText(m.report.harness.version, 40),
      meta ? keyValues(meta.runtime) : html`<span class="na">—</span>`,
      run
        ? `${run.provider}, ${run.workers}×${run.threads} threads, ${Math.round(run.rowsPerSecond).toLocaleString('en-US')} rows/s, finished ${run.finishedAt}`
        : '—',
    ];
  });
  const optionRows = inputs.models
    .filter((m) => m.meta)
    .map((m) => [
      cleanText(`${m.model.model.name} ${m.model.model.version}`, L.nameChars),
      keyValues(m.meta!.options),
      keyValues(Object.fromEntries(Object.entries(m.meta!.model.thresholds))),
    ]);
  const defs = first?.report.definitions;
  const defRows = defs
    ? [
        [
          'intervals',
          prose(
            `${defs.bootstrap.method}, ${Math.round(defs.bootstrap.level * 100)}%, ${defs.bootstrap.resamples} resamples, seed ${defs.bootstrap.seed} (${defs.bootstrap.unit})`,
          ),
        ],
        ['calibration', `${defs.calibration.bins} ${defs.calibration.binning} bins`],
        ['zero division', `${defs.zeroDivision}; absent classes: ${defs.absentClasses}`],
        ['slices', `flagged small below ${defs.slices.minSupport} items`],
        ['harness (eval)', `modeval ${cleanText(first!.report.harness.version, 40)}`],
      ]
    : [];
  const banner = html`<header><h1>modeval report</h1><p class="sub">${
    dataset ? html`${cleanText(basename(dataset.file), 120)} · ` : EMPTY
  }${inputs.models.length} model${inputs.models.length === 1 ? '' : 's'}${inputs.comparison ? ' · with comparison' : ''}</p>${fingerprints(inputs, ctx)}</header>`;
  const provenance = html`<section id="provenance"><h2>Provenance</h2>${datasetRows.length > 0 ? html`<h3>Dataset</h3>${table(['', ''], datasetRows, 'kvtable')}` : EMPTY}${
    modelRows.length > 0
      ? html`<h3>Models</h3>${table(['model', 'version', 'sha256', 'card sha256', 'predictions', 'dataset fingerprint', 'harness', 'runtime', 'run'], modelRows)}`
      : EMPTY
  }${optionRows.length > 0 ? html`<h3>Run options</h3>${table(['model', 'options', 'thresholds applied'], optionRows)}` : EMPTY}${
    defRows.length > 0 ? html`<h3>Evaluation settings</h3>${table(['', ''], defRows, 'kvtable')}` : EMPTY
  }</section>`;
  return { banner, provenance };
}

/** The headline numbers of every model side by side, with intervals. */
export function summarySection(inputs: ReportInputs, ctx: SectionContext): SafeHtml {
  if (inputs.models.length === 0) return EMPTY;
  const L = ctx.limits;
  const positive = inputs.models[0]!.report.positive;
  const shown = HEADLINES.filter((r) => inputs.models.some((m) => r.get(m.model.overall) != null));
  const nameOf = (r: (typeof shown)[number]) =>
    r.name.startsWith('positive') && positive ? r.name.replace('positive', cleanText(positive, 40)) : r.name;
  const caption = intervalCaption(
    shown.flatMap((r) => inputs.models.map((m) => ({ name: nameOf(r), interval: r.get(m.model.overall) }))),
  );
  const rows = shown.map((r) => [nameOf(r), ...inputs.models.map((m) => ivCell(r.get(m.model.overall)))]);
  const head = [
    'metric',
    ...inputs.models.map((m) => cleanText(`${m.model.model.name} ${m.model.model.version}`, L.nameChars)),
  ];
  const n = inputs.models.map((m) => count(m.model.overall.n)).join(' / ');
  const warnings = reportWarnings(inputs);
  return html`<section id="summary"><h2>Summary</h2>${note(
    `${n} items evaluated; brackets: ${caption} (a bootstrap is widened where every replicate agreed). ECE is the expected calibration error (lower is better); its bracket is the spread of the binned estimate, which is biased upward on small sets (a perfectly calibrated model of 200 items scores about 0.07), not a confidence interval for the true calibration error.`,
  )}${table(head, rows, 'num summary')}${warnings.map(warning)}</section>`;
}
