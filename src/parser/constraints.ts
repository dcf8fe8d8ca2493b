import { isPlainObject, type YamlWithLines } from '../config/yaml-file.js';
import { ParseError } from '../errors.js';
import type { RefCall, SourceCall } from '../manifest/nodes.js';

/** dbt's constraint types (https://docs.getdbt.com/reference/resource-properties/constraints). */
export const CONSTRAINT_TYPES = ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom'] as const;

/** One of {@link CONSTRAINT_TYPES}. */
export type ConstraintType = (typeof CONSTRAINT_TYPES)[number];

/**
 * A column- or model-level constraint, read and checked; keys as dbt's manifest writes them.
 * `columns` is set on model-level constraints only; `line` is where it is written in YAML.
 */
export interface Constraint {
  type: ConstraintType;
  name?: string;
  /** `check` / `custom` expression, or the older `foreign_key` form `other_table (id)`. */
  expression?: string;
  /** `foreign_key` target as written: `ref('x')` or `source('s', 't')`. */
  to?: string;
  to_columns: string[];
  columns?: string[];
  warn_unenforced: boolean;
  warn_unsupported: boolean;
  file: string;
  line?: number;
}

type Path = (string | number)[];

const strings = (value: unknown): string[] => (value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String));

/**
 * Reads a `constraints:` list. Checks what dbt's schema would reject and what would render no DDL:
 * an unknown type, `check` without `expression`, `foreign_key` without `to` + `to_columns` (or an
 * `expression`), a `to` that is neither `ref()` nor `source()`, model-level key constraints without `columns`.
 * @throws ParseError naming the file and the constraint's line
 */
export function readConstraints(raw: unknown, level: 'column' | 'model', yaml: YamlWithLines, path: Path, file: string): Constraint[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ParseError("'constraints' must be a list", { location: { file, line: yaml.lineOf(path) } });
  return raw.map((entry, index) => {
    const line = yaml.lineOf([...path, index]);
    const fail = (message: string, hint?: string) => new ParseError(message, { location: { file, line }, hint });
    if (!isPlainObject(entry)) throw fail('A constraint must be a mapping with a type, e.g. `- type: not_null`');
    const type = String(entry.type ?? '');
    if (!(CONSTRAINT_TYPES as readonly string[]).includes(type)) {
      throw fail(type ? `Invalid constraint type '${type}'` : 'A constraint needs a type', `Type must be one of: ${CONSTRAINT_TYPES.join(', ')}.`);
    }
    const constraint: Constraint = {
      type: type as ConstraintType,
      to_columns: strings(entry.to_columns),
      warn_unenforced: entry.warn_unenforced !== false,
      warn_unsupported: entry.warn_unsupported !== false,
      file,
      line,
    };
    if (entry.name !== undefined && entry.name !== null) constraint.name = String(entry.name);
    if (entry.expression !== undefined && entry.expression !== null) constraint.expression = String(entry.expression);
    if (entry.to !== undefined && entry.to !== null) constraint.to = String(entry.to);
    if (level === 'model') constraint.columns = strings(entry.columns);
    if ((type === 'check' || type === 'custom') && !constraint.expression) throw fail(`A ${type} constraint needs an 'expression'`);
    if (type === 'foreign_key') {
      if (constraint.to === undefined && !constraint.expression) throw fail("A foreign_key constraint needs 'to' (e.g. to: ref('dim_customers')) with 'to_columns', or an 'expression'");
      if (constraint.to !== undefined) {
        foreignKeyTarget(constraint.to, file, line);
        if (!constraint.to_columns.length) throw fail("A foreign_key constraint with 'to' needs 'to_columns', the referenced columns");
      }
    }
    if (level === 'model' && ['unique', 'primary_key', 'foreign_key'].includes(type) && !constraint.columns!.length) {
      throw fail(`A model-level ${type} constraint needs 'columns', the columns it covers`);
    }
    return constraint;
  });
}

const ARG = String.raw`\s*(['"])([^'"]*)\1\s*`;
const REF = new RegExp(String.raw`^ref\(${ARG}(?:,${ARG})?(?:,\s*(?:v|version)\s*=\s*['"]?([^'")\s]+)['"]?\s*)?\)$`);
const SOURCE = new RegExp(String.raw`^source\(${ARG},${ARG}\)$`);

/**
 * A foreign key's `to:` as the ref() or source() call it names (dbt parses it statically;
 * `{{ }}` around it are allowed).
 * @throws ParseError for anything else
 */
export function foreignKeyTarget(to: string, file: string, line?: number): { ref: RefCall } | { source: SourceCall } {
  const text = to.trim().replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '');
  const ref = REF.exec(text);
  if (ref) {
    const [first, second, version] = [ref[2], ref[4], ref[5]];
    return { ref: { ...(second !== undefined ? { package: first, name: second } : { name: first }), ...(version !== undefined ? { version } : {}) } };
  }
  const source = SOURCE.exec(text);
  if (source) return { source: { sourceName: source[2], tableName: source[4] } };
  throw new ParseError(`Invalid 'ref' or 'source' syntax on foreign key constraint 'to': ${to}`, { location: { file, line }, hint: "Write to: ref('model_name') or to: source('source_name', 'table_name')." });
}

/** A constraint as manifest.json writes it (dbt's ColumnLevelConstraint / ModelLevelConstraint). */
export function constraintJson(constraint: Constraint): Record<string, unknown> {
  return {
    type: constraint.type,
    name: constraint.name ?? null,
    expression: constraint.expression ?? null,
    warn_unenforced: constraint.warn_unenforced,
    warn_unsupported: constraint.warn_unsupported,
    to: constraint.to ?? null,
    to_columns: constraint.to_columns,
    ...(constraint.columns ? { columns: constraint.columns } : {}),
  };
}
