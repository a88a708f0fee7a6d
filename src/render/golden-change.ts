import type { GoldenChange } from '../contracts/golden-change.js';
import { count, interval, plural, signed } from './numbers.js';
import { renderTable, terminalText } from './terminal.js';

/** `eval --compare-golden`'s terminal summary of a golden-change report (golden-change.json). */

const labelSet = (labels: readonly string[]) => (labels.length === 0 ? '(none)' : labels.join('+'));

export function formatGoldenChange(c: GoldenChange, options: { maxTransitions?: number } = {}): string {
  const max = options.maxTransitions ?? 10;
  const out: string[] = [];
  const name = terminalText(`${c.model.name} ${c.model.version}`);
  out.push(
    `What the relabel changed for ${name}: previous ${terminalText(c.previous.file)} (${count(c.previous.evaluated)} items) → current ${terminalText(c.current.file)} (${count(c.current.evaluated)} items)`,
  );
  const i = c.items;
  out.push(
    `${count(i.changed)} of ${count(i.both)} items in both versions have other golden labels` +
      (i.onlyPrevious + i.onlyCurrent > 0
        ? `; ${count(i.onlyPrevious)} only in the previous, ${count(i.onlyCurrent)} only in the current`
        : ''),
  );
  const e = c.errors;
  out.push(
    `errors of the model on those items: ${count(e.previous)} → ${count(e.current)} (${plural(e.becameCorrect, 'error')} became correct, ${count(e.becameWrong)} correct became wrong)`,
  );
  out.push(
    '',
    renderTable(
      ['metric', 'previous golden', 'current golden', 'Δ'],
      c.metrics
        .filter((m) => m.previous !== null || m.current !== null)
        .map((m) => [m.label, interval(m.previous), interval(m.current), signed(m.delta)]),
    ),
  );
  if (c.transitions.length > 0) {
    out.push(
      '',
      renderTable(
        ['golden before', 'after', 'items'],
        c.transitions.slice(0, max).map((t) => [labelSet(t.from), labelSet(t.to), t.count]),
        { title: 'Golden label changes' },
      ),
    );
    if (c.transitions.length > max) out.push(`(${c.transitions.length - max} more in golden-change.json)`);
    out.push(
      '',
      renderTable(
        ['label', 'gained', 'lost', 'decisions fixed', 'decisions broken'],
        c.perLabel.map((p) => [p.label, p.gained, p.lost, p.fixed, p.broken]),
        { title: 'Per label (one-vs-rest decisions of the model)' },
      ),
    );
  }
  if (c.changesFile)
    out.push('', `changed items (id, before, after, the model's decision): ${c.changesFile}`);
  return `${out.join('\n')}\n`;
}
