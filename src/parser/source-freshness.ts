import { isPlainObject, type YamlWithLines } from '../config/yaml-file.js';
import { ParseError } from '../errors.js';
import type { FreshnessCriteria, FreshnessThreshold } from '../manifest/nodes.js';

const PERIODS = ['minute', 'hour', 'day'];

function threshold(raw: unknown, name: string, file: string, line: number | undefined): FreshnessThreshold | undefined {
  if (raw === undefined || raw === null) return undefined;
  const count = isPlainObject(raw) ? Number(raw.count) : NaN;
  const period = isPlainObject(raw) ? String(raw.period ?? '').replace(/s$/, '') : '';
  if (!Number.isFinite(count) || count <= 0 || !PERIODS.includes(period)) {
    throw new ParseError(`freshness ${name} needs a positive count and a period (minute, hour or day), e.g. {count: 12, period: hour}`, { location: { file, line } });
  }
  return { count, period: period as FreshnessThreshold['period'] };
}

/**
 * Reads dbt's source `freshness:` block (`warn_after`, `error_after`: `{count, period}`; `filter`).
 * The first layer holding a `freshness` key wins, so a table's block overrides its source's and
 * `freshness: null` turns the check off (dbt docs, "freshness").
 * @param layers mappings in precedence order: table, table config, source, source config
 * @param path YAML path of the table (for error lines)
 * @throws ParseError for a threshold without a positive count or a known period
 */
export function readFreshness(layers: Record<string, unknown>[], yaml: YamlWithLines, path: (string | number)[], file: string): FreshnessCriteria | undefined {
  const layer = layers.find((l) => isPlainObject(l) && 'freshness' in l);
  const raw = layer?.freshness;
  if (raw === undefined || raw === null) return undefined;
  const line = yaml.lineOf(path);
  if (!isPlainObject(raw)) throw new ParseError('freshness must be a mapping with warn_after and/or error_after', { location: { file, line } });
  const criteria: FreshnessCriteria = {
    warnAfter: threshold(raw.warn_after, 'warn_after', file, line),
    errorAfter: threshold(raw.error_after, 'error_after', file, line),
    filter: raw.filter === undefined || raw.filter === null ? undefined : String(raw.filter),
  };
  return criteria.warnAfter || criteria.errorAfter ? criteria : undefined;
}
