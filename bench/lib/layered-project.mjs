// The layered synthetic project of the parse/compile and build benchmarks: N models in L layers,
// each model ref()s 1-3 models of the layer above and has a few CTEs, a join and an aggregation
// (first layer: views over seeds; later layers: two thirds tables, one third views);
// YAML docs with unique/not_null tests on a third of the models; a few macros (used by a quarter
// of the models) and seeds feeding the first layer. Deterministic: the same options always write
// the same files.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SEEDS = 3;
const SEED_ROWS = 50;

function write(dir, path, contents) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents);
}

/** A small deterministic pseudo-random generator (an LCG), so projects are reproducible. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pad = (n, width) => String(n).padStart(width, '0');

/** Name of model `index` of layer `layer` (both 0-based), e.g. `m02_00017`. */
export function layeredModelName(layer, index) {
  return `m${pad(layer, 2)}_${pad(index, 5)}`;
}

/** Project-relative path of a layered model's file. */
export function layeredModelPath(layer, index) {
  return `models/layer_${pad(layer, 2)}/${layeredModelName(layer, index)}.sql`;
}

/** How many models each layer holds: `models` spread as evenly as possible over `layers`. */
function layerSizes(models, layers) {
  return Array.from({ length: layers }, (_, layer) => Math.floor(models / layers) + (layer < models % layers ? 1 : 0));
}

function macrosSql() {
  return `{% macro scaled(column, factor) %}({{ column }} * {{ factor }}){% endmacro %}

{% macro bucket(column, n=10) %}({{ column }} % {{ n }}){% endmacro %}

{% macro safe_ratio(numerator, denominator) -%}
case when {{ denominator }} = 0 then null else {{ numerator }} / {{ denominator }} end
{%- endmacro %}
`;
}

function firstLayerSql(index, usesMacro) {
  const seed = `raw_${pad(index % SEEDS, 2)}`;
  const k = usesMacro ? "{{ bucket('id') }}" : 'id % 10';
  return `-- staging: one seed, lightly cleaned
with source as (
    select * from {{ ref('${seed}') }}
),
renamed as (
    select id, ${k} as k, amount + ${index % 7} as amount
    from source
)
select id, k, amount from renamed
`;
}

function laterLayerSql(parents, usesMacro, materialized) {
  const [first, ...others] = parents;
  const ctes = parents.map((parent, i) => `p${i} as (\n    select id, k, amount from {{ ref('${parent}') }}\n)`);
  const joins = others.map((_, i) => `    left join p${i + 1} on p0.id = p${i + 1}.id`).join('\n');
  const sum = parents.map((_, i) => `coalesce(p${i}.amount, 0)`).join(' + ');
  const amount = usesMacro ? `{{ scaled('joined.amount', 2) }}` : 'joined.amount * 2';
  const ratio = usesMacro ? `{{ safe_ratio('totals.total', 'totals.n') }}` : 'totals.total / nullif(totals.n, 0)';
  const config = materialized === 'table' ? "{{ config(materialized='table') }}\n" : '';
  return `${config}-- ${parents.length} parent(s); first: ${first}
with ${ctes.join(',\n')},
joined as (
    select p0.id, p0.k, ${sum} as amount
    from p0
${joins}
),
totals as (
    select k, sum(amount) as total, count(*) as n
    from joined
    group by k
)
select joined.id, joined.k, ${amount} as amount, ${ratio} as k_mean
from joined
join totals on joined.k = totals.k
`;
}

function seedCsv(seed) {
  const rows = ['id,amount'];
  for (let id = 1; id <= SEED_ROWS; id++) rows.push(`${id},${(id * (seed + 3)) % 97}.5`);
  return `${rows.join('\n')}\n`;
}

function propertiesYaml(entries) {
  const lines = ['version: 2', 'models:'];
  for (const { name, layer } of entries) {
    lines.push(`  - name: ${name}`, `    description: Layer ${layer} model ${name}.`, '    columns:');
    lines.push('      - name: id', '        description: Row key.', '        data_tests: [unique, not_null]');
    lines.push('      - name: amount', '        description: A derived amount.');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a layered project into `dir` (created if missing).
 * @param options.models number of models (default 1000)
 * @param options.layers number of layers (default 10; at most `models`)
 * @param options.seed seed of the pseudo-random parent choice (default 42)
 * @returns `{ models, layers, tests, names }`: counts, plus every model's name in layer order
 */
export function generateLayeredProject(dir, { models = 1000, layers = 10, seed = 42 } = {}) {
  const layerCount = Math.max(1, Math.min(layers, models));
  const sizes = layerSizes(models, layerCount);
  const next = random(seed);
  write(dir, 'dops_project.yml', `name: bench
database-path: bench.duckdb
model-paths: [models]
seed-paths: [seeds]
macro-paths: [macros]
target-path: target
vars:
  bench_factor: 2
models:
  bench:
    +materialized: view
`);
  write(dir, 'macros/bench_macros.sql', macrosSql());
  for (let s = 0; s < SEEDS; s++) write(dir, `seeds/raw_${pad(s, 2)}.csv`, seedCsv(s));
  const names = [];
  let tests = 0;
  for (let layer = 0; layer < layerCount; layer++) {
    const documented = [];
    for (let index = 0; index < sizes[layer]; index++) {
      const name = layeredModelName(layer, index);
      const usesMacro = index % 4 === 1;
      let sql;
      if (layer === 0) sql = firstLayerSql(index, usesMacro);
      else {
        const above = sizes[layer - 1];
        const count = Math.min(above, 1 + Math.floor(next() * 3));
        const parents = new Set();
        while (parents.size < count) parents.add(layeredModelName(layer - 1, Math.floor(next() * above)));
        // Mostly tables: DuckDB binds a view through every view below it, so long view chains
        // would make the build measure DuckDB's binder rather than dops.
        sql = laterLayerSql([...parents], usesMacro, index % 3 === 2 ? 'view' : 'table');
      }
      write(dir, layeredModelPath(layer, index), sql);
      names.push(name);
      if (index % 3 === 0) documented.push({ name, layer });
    }
    tests += documented.length * 2;
    if (documented.length) write(dir, `models/layer_${pad(layer, 2)}/_layer_${pad(layer, 2)}.yml`, propertiesYaml(documented));
  }
  return { models, layers: layerCount, tests, names };
}

/**
 * Changes one model's text without changing what it means (appends a comment), so a warm run sees
 * exactly one changed file.
 * @param mark makes each edit distinct
 */
export function touchLayeredModel(dir, layer, index, mark = Date.now()) {
  appendFileSync(join(dir, layeredModelPath(layer, index)), `-- edited ${mark}\n`);
}
