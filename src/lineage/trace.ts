import type { ProjectLineage } from './project-lineage.js';
import type { ColumnKey, EdgeKind } from './types.js';

/** One step of a column's lineage chain, with the steps beyond it. */
export interface TraceStep extends ColumnKey {
  /** How the column of the step before relates to this one (undefined at the root). */
  transform?: EdgeKind;
  /** Set where the chain stops because a model's SQL could not be analysed. */
  modelLevelReason?: string;
  next: TraceStep[];
}

const key = (node: string, column: string): string => `${node}\u0000${column.toLowerCase()}`;

/**
 * Follows a column upstream (to the columns it is derived from, recursively, down to sources and
 * seeds) or downstream (to every column derived from it).
 * @returns a tree rooted at the given column; a column reached twice is expanded once
 */
export function traceColumn(lineage: ProjectLineage, start: ColumnKey, direction: 'upstream' | 'downstream'): TraceStep {
  const downstream = new Map<string, { node: string; column: string; transform: EdgeKind }[]>();
  if (direction === 'downstream') {
    for (const [node, model] of lineage) {
      for (const col of model.columns) {
        for (const source of col.sources) {
          const list = downstream.get(key(source.node, source.column)) ?? [];
          list.push({ node, column: col.name, transform: source.transform });
          downstream.set(key(source.node, source.column), list);
        }
      }
    }
  }
  const seen = new Set<string>();
  const visit = (step: TraceStep): TraceStep => {
    if (seen.has(key(step.node, step.column))) return step;
    seen.add(key(step.node, step.column));
    if (direction === 'downstream') {
      step.next = (downstream.get(key(step.node, step.column)) ?? []).map((d) => visit({ ...d, next: [] }));
      return step;
    }
    const model = lineage.get(step.node);
    if (model?.status === 'model-level') return { ...step, modelLevelReason: model.reason };
    const col = model?.columns.find((c) => c.name.toLowerCase() === step.column.toLowerCase());
    step.next = (col?.sources ?? []).map((s) => visit({ node: s.node, column: s.column, transform: s.transform, next: [] }));
    return step;
  };
  return visit({ ...start, next: [] });
}
