import { CompilationError } from '../errors.js';

/** A parsed `warn_if` / `error_if` condition such as `">10"` or `"!=0"`. */
export interface Condition {
  operator: '=' | '==' | '!=' | '<>' | '>' | '>=' | '<' | '<=';
  value: number;
  /** As written, for messages. */
  text: string;
}

const CONDITION = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Parses a threshold condition (dbt's `warn_if` / `error_if`: a comparison with the failure count).
 * @param key the config key, for the message
 * @throws CompilationError naming the test's file for anything else
 */
export function parseCondition(text: unknown, key: string, file: string): Condition {
  const match = CONDITION.exec(String(text));
  if (!match) throw new CompilationError(`Bad ${key} '${String(text)}': expected a comparison such as ">10" or "!=0"`, { location: { file } });
  return { operator: match[1] as Condition['operator'], value: Number(match[2]), text: `${match[1]} ${match[2]}` };
}

/** True when the failure count meets the condition. */
export function conditionHolds(condition: Condition, failures: number): boolean {
  const { operator, value } = condition;
  switch (operator) {
    case '=':
    case '==':
      return failures === value;
    case '!=':
    case '<>':
      return failures !== value;
    case '>':
      return failures > value;
    case '>=':
      return failures >= value;
    case '<':
      return failures < value;
    default:
      return failures <= value;
  }
}

/** A test's verdict from its failure count. */
export interface Verdict {
  status: 'pass' | 'warn' | 'fail';
  /** The condition that decided a warn or a fail. */
  condition?: Condition;
}

/**
 * Decides a test's status the way dbt does: with `severity: error`, `error_if` (default `!=0`) met
 * means fail, else `warn_if` (default `!=0`) met means warn, else pass; with `severity: warn` only
 * `warn_if` is checked.
 * @param config the test's config (`severity`, `warn_if`, `error_if`)
 * @throws CompilationError for a malformed condition
 */
export function testVerdict(failures: number, config: Record<string, unknown>, file: string): Verdict {
  const errorIf = parseCondition(config.error_if ?? '!=0', 'error_if', file);
  const warnIf = parseCondition(config.warn_if ?? '!=0', 'warn_if', file);
  if (config.severity !== 'warn' && conditionHolds(errorIf, failures)) return { status: 'fail', condition: errorIf };
  if (conditionHolds(warnIf, failures)) return { status: 'warn', condition: warnIf };
  return { status: 'pass' };
}
