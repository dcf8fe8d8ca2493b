import { describe, expect, it } from 'vitest';
import type { ProjectLineage } from '../../../src/lineage/project-lineage.js';
import { traceColumn } from '../../../src/lineage/trace.js';

const lineage: ProjectLineage = new Map([
  ['model.p.stg', { status: 'analysed', columns: [{ name: 'code', transform: 'transformed', sources: [{ node: 'source.p.raw.t', column: 'CODE', transform: 'transformed' }] }] }],
  [
    'model.p.fct',
    {
      status: 'analysed',
      columns: [
        { name: 'key', transform: 'renamed', sources: [{ node: 'model.p.dim', column: 'id', transform: 'renamed' }, { node: 'model.p.stg', column: 'code', transform: 'join-key' }] },
      ],
    },
  ],
  ['model.p.dim', { status: 'model-level', reason: 'recursive cte queries are not followed', columns: [] }],
  ['model.p.mart', { status: 'analysed', columns: [{ name: 'key', transform: 'passthrough', sources: [{ node: 'model.p.fct', column: 'KEY', transform: 'passthrough' }] }] }],
]);

const flat = (step: ReturnType<typeof traceColumn>): unknown => [step.node, step.column, step.transform, step.modelLevelReason, step.next.map(flat)];

describe('traceColumn', () => {
  it('follows a column upstream to sources, stopping with the reason at models without column lineage', () => {
    expect(flat(traceColumn(lineage, { node: 'model.p.mart', column: 'key' }, 'upstream'))).toEqual([
      'model.p.mart', 'key', undefined, undefined, [
        ['model.p.fct', 'KEY', 'passthrough', undefined, [
          ['model.p.dim', 'id', 'renamed', 'recursive cte queries are not followed', []],
          ['model.p.stg', 'code', 'join-key', undefined, [['source.p.raw.t', 'CODE', 'transformed', undefined, []]]],
        ]],
      ],
    ]);
  });

  it('follows a column downstream, matching names case-insensitively', () => {
    expect(flat(traceColumn(lineage, { node: 'source.p.raw.t', column: 'code' }, 'downstream'))).toEqual([
      'source.p.raw.t', 'code', undefined, undefined, [
        ['model.p.stg', 'code', 'transformed', undefined, [
          ['model.p.fct', 'key', 'join-key', undefined, [['model.p.mart', 'key', 'passthrough', undefined, []]]],
        ]],
      ],
    ]);
  });
});
