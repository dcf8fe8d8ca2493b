import { ConfigError } from '../errors.js';
import { DBT_VERSION } from '../version.js';

/** `[major, minor, patch]`. */
type Version = [number, number, number];

const SPEC = /^(>=|<=|>|<|=|==)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]*)?$/;

function parseVersion(text: string): Version | undefined {
  const match = SPEC.exec(text.trim());
  return match && !match[1] ? [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)] : undefined;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Whether `version` satisfies every specifier of `require-dbt-version` (a list; each entry may
 * join several with commas: `">=1.0.0,<2.0.0"`), as dbt's semver check does. A bare version means
 * exactly that version.
 * @throws ConfigError naming the specifier that is not a version range
 */
export function versionSatisfies(ranges: readonly string[], version: string = DBT_VERSION): boolean {
  const have = parseVersion(version);
  if (!have) throw new ConfigError(`'${version}' is not a version`);
  return ranges.flatMap((range) => range.split(',')).filter((spec) => spec.trim() !== '').every((spec) => {
    const match = SPEC.exec(spec.trim());
    if (!match) throw new ConfigError(`'${spec.trim()}' in require-dbt-version is not a version range (e.g. ">=1.8.0,<2.0.0")`);
    const order = compare(have, [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)]);
    switch (match[1]) {
      case '>=': return order >= 0;
      case '>': return order > 0;
      case '<=': return order <= 0;
      case '<': return order < 0;
      default: return order === 0;
    }
  });
}

/** A project (the root or an installed package) and the `require-dbt-version` it declares. */
export interface VersionRequirement {
  /** Project name (`name:` in its dbt_project.yml). */
  name: string;
  /** Its ranges, as written. */
  ranges: readonly string[];
  /** Where they are written: the project file and the key's line. */
  file: string;
  line?: number;
}

/**
 * dbt's version check: every project and package whose `require-dbt-version` excludes the dbt
 * version dops mirrors ({@link DBT_VERSION}) is an error (exit 2), unless `--no-version-check` /
 * `flags: {version_check: false}` turned the check off
 * (https://docs.getdbt.com/reference/project-configs/require-dbt-version#invalid-dbt-versions).
 * @returns one ConfigError per project out of range (also for a malformed range)
 */
export function checkDbtVersion(requirements: readonly VersionRequirement[], version: string = DBT_VERSION): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const requirement of requirements) {
    if (!requirement.ranges.length) continue;
    const location = { file: requirement.file, line: requirement.line };
    let ok: boolean;
    try {
      ok = versionSatisfies(requirement.ranges, version);
    } catch (error) {
      errors.push(new ConfigError((error as Error).message, { location }));
      continue;
    }
    if (ok) continue;
    errors.push(new ConfigError(
      `This version of dbt is not supported with the '${requirement.name}' package: dops mirrors dbt ${version}; '${requirement.name}' requires ${JSON.stringify(requirement.ranges)}`,
      { location, hint: `Use a version of '${requirement.name}' that supports dbt ${version}, or run dops again with --no-version-check.` },
    ));
  }
  return errors;
}
