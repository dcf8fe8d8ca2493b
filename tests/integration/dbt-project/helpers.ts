/** Helpers for dbt-shaped test projects: a `dbt_project.yml` and a `profiles.yml` beside it. */
import { makeTempDir, writeFile } from '../helpers.js';

/** The DuckDB file the profiles of these projects point at. */
export const DB = 'warehouse.duckdb';

/** A dbt_project.yml naming the `shop` profile, plus the lines given. */
export function dbtProjectFile(extra = ''): string {
  return `name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n${extra}`;
}

/** profiles.yml with the `shop` profile: target `dev` on {@link DB}, schema `main` unless given. */
export function profilesFile(schema = 'main', extra = ''): string {
  return `shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${DB}\n      schema: ${schema}\n${extra}`;
}

/**
 * Writes a dbt-style project (no dops_project.yml) into a new temp dir.
 * @param files path -> contents; `dbt_project.yml` and `profiles.yml` default to the shop project
 */
export function makeDbtProject(files: Record<string, string>): string {
  const dir = makeTempDir();
  const all: Record<string, string> = { 'dbt_project.yml': dbtProjectFile(), 'profiles.yml': profilesFile(), ...files };
  for (const [path, contents] of Object.entries(all)) if (contents !== '') writeFile(dir, path, contents);
  return dir;
}
