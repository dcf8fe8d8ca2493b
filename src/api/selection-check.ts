import { ConfigError } from '../errors.js';
import { evaluateSelectors, matchingExposures, parseTerm, type SelectionOptions } from '../graph/selector.js';
import type { SelectOptions } from './options.js';
import type { LoadedProject } from './project.js';

/**
 * The `--select` criteria (each space-separated term) that match no enabled node of the project.
 * @throws ConfigError for a malformed term (as selection itself would)
 */
export function unmatchedCriteria(project: LoadedProject, selection: SelectionOptions): string[] {
  if (selection.selectorDefinition || !selection.select?.length) return [];
  const context = { state: selection.stateSelection, run: selection.runState };
  const terms = selection.select.flatMap((e) => e.split(/\s+/)).filter(Boolean);
  // `exposure:x` matches an exposure even though it selects no runnable node.
  const namesExposure = (term: string) => term.split(',').some((part) => {
    const parsed = parseTerm(part);
    return parsed.method === 'exposure' && matchingExposures(parsed.value, project.manifest).length > 0;
  });
  return terms.filter((term) => evaluateSelectors([term], project.manifest, project.dag, context).size === 0 && !namesExposure(term));
}

/**
 * Warns once per criterion that selects nothing, in dbt's words ("The selection criterion 'x' does
 * not match any enabled nodes", docs.getdbt.com/reference/node-selection/syntax), so a typo in
 * `-s` is never a silent empty run; with `--warn-error` the warning is an error.
 * @throws ConfigError with `--warn-error` when a criterion matches nothing (exit 2, nothing ran)
 */
export function checkSelection(project: LoadedProject, options: SelectOptions, selection: SelectionOptions): void {
  const unmatched = unmatchedCriteria(project, selection);
  if (unmatched.length === 0) return;
  const messages = unmatched.map((term) => `The selection criterion '${term}' does not match any enabled nodes`);
  if (options.warnError) throw new ConfigError(messages.join('; '), { hint: '--warn-error turns this warning into an error; check the name (dops ls lists the nodes).' });
  options.reporter?.warnings?.(messages);
}
