// The render layer's direction: gate and report share render/, and the report reads gate data but
// never gate's own rendering (that cycle is what the render layer removed).
import { describe, expect, it } from 'vitest';
import { importsUnder } from './sources.js';

describe('render layer', () => {
  it('render/ depends only on itself, the metric registry, result types and the task view: every stage above evaluate may use it', () => {
    const allowed = /^(render\/|metrics\/registry\/|contracts\/|task\/)/;
    const outside = importsUnder('render').filter((i) => !allowed.test(i.target));
    expect(outside).toEqual([]);
  });

  it('nothing render/ may import imports render/ back', () => {
    const back = [...importsUnder('metrics'), ...importsUnder('evaluate'), ...importsUnder('task')].filter(
      (i) => i.target.startsWith('render/'),
    );
    expect(back).toEqual([]);
  });

  it('gate/ never imports report/ (the report reads gate data, not the other way round)', () => {
    const back = importsUnder('gate').filter((i) => i.target.startsWith('report/'));
    expect(back).toEqual([]);
  });

  it('report/ uses gate data and schemas but not gate rendering', () => {
    const rendering = importsUnder('report').filter((i) => /^gate\/(markdown|junit)\.js$/.test(i.target));
    expect(rendering).toEqual([]);
  });
});
