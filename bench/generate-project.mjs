// Generates a synthetic dops project for benchmarks: `chains` chains of `length` models each
// (a staging view over range(), intermediate views, a mart table at the end), a macro file used by
// every staging model and a schema YAML with generic tests on every mart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateLayeredProject } from './lib/layered-project.mjs';

export { generateLayeredProject, layeredModelName, layeredModelPath, touchLayeredModel } from './lib/layered-project.mjs';

function write(dir, path, contents) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents);
}

const pad = (n) => String(n).padStart(3, '0');

/** Name of model `step` (0-based) of chain `chain`. */
export function modelName(chain, step, length) {
  if (step === 0) return `stg_${pad(chain)}`;
  if (step === length - 1) return `mart_${pad(chain)}`;
  return `int_${pad(chain)}_${step}`;
}

/** Path of model `step` of chain `chain`, relative to the project dir. */
export function modelPath(chain, step, length) {
  const folder = step === 0 ? 'staging' : step === length - 1 ? 'marts' : 'intermediate';
  return `models/${folder}/${modelName(chain, step, length)}.sql`;
}

/** The SQL of one model; `edit` varies a constant so each edit changes the file. */
export function modelSql(chain, step, length, edit = 0) {
  if (step === 0) {
    return `select i as id, {{ bucket('i', 7) }} as k, ${chain} as chain, i * 0.5 + ${edit} as amount\nfrom range(200) t(i)\n`;
  }
  const parent = modelName(chain, step - 1, length);
  const other = chain > 0 && step === 2 ? `\n-- also reads {{ ref('${modelName(chain - 1, 1, length)}') }}` : '';
  return `select id, k, chain, amount + ${step + edit} as amount\nfrom {{ ref('${parent}') }}${other}\n`;
}

/**
 * Writes a synthetic project into `dir`. With `models` (and optionally `layers`, `seed`): the
 * layered project of the parse/compile and build benchmarks (see lib/layered-project.mjs),
 * returning `{ models, layers, tests, names }`. Otherwise `chains` chains of `length` models
 * (watch benchmark), returning `{ models, chains, length }`.
 */
export function generateProject(dir, options = {}) {
  if (options.models !== undefined) return generateLayeredProject(dir, options);
  const { chains = 50, length = 10 } = options;
  write(dir, 'dops_project.yml', `name: bench
database-path: bench.duckdb
models:
  bench:
    intermediate: {+materialized: view}
    marts: {+materialized: table}
`);
  write(dir, 'macros/bucket.sql', `{% macro bucket(column, n) %}({{ column }} % {{ n }}){% endmacro %}\n`);
  const yaml = ['version: 2', 'models:'];
  for (let chain = 0; chain < chains; chain++) {
    for (let step = 0; step < length; step++) write(dir, modelPath(chain, step, length), modelSql(chain, step, length));
    yaml.push(`  - name: ${modelName(chain, length - 1, length)}`, '    columns:', '      - name: id', '        data_tests: [unique, not_null]');
  }
  write(dir, 'models/marts/_marts.yml', `${yaml.join('\n')}\n`);
  return { models: chains * length, chains, length };
}
