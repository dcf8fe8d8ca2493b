// Generates a synthetic project for the docs benchmark: `chains` chains of `length` models over
// `chains` declared sources (DuckDB relations with YAML columns, so no build is needed). Models use
// the SQL shapes column lineage follows: renames and casts, joins, CTEs, `select * exclude`, unions
// and aggregates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function write(dir, path, contents) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents);
}

const pad = (n) => String(n).padStart(3, '0');

/** Name of model `step` of chain `chain`. */
export function docsModelName(chain, step, length) {
  if (step === 0) return `stg_${pad(chain)}`;
  if (step === length - 1) return `mart_${pad(chain)}`;
  return `int_${pad(chain)}_${pad(step)}`;
}

function modelSql(chain, step, length, chains) {
  const ref = (c, s) => `{{ ref('${docsModelName(c, s, length)}') }}`;
  if (step === 0) {
    return `select id, key, cast(amount as double) as amount, upper(label) as label_code, created_at\nfrom {{ source('raw', 't${pad(chain)}') }}\n`;
  }
  const prev = ref(chain, step - 1);
  if (step === length - 1) {
    return `select key, count(*) as n, sum(amount) as total_amount, max(created_at) as last_at\nfrom ${prev}\ngroup by key\n`;
  }
  switch (step % 4) {
    case 1:
      return `select a.id, a.key, a.amount + coalesce(b.amount, 0) as amount, a.label_code, a.created_at\nfrom ${prev} a\nleft join ${ref((chain + 1) % chains, 0)} b on b.id = a.id\n`;
    case 2:
      return `with base as (\n  select * exclude (amount), amount * 2 as amount from ${prev}\n)\nselect id, key, amount, label_code as label_code, created_at from base\n`;
    case 3:
      return `select id, key, amount, label_code, created_at from ${prev} where amount > 0\nunion all\nselect id, key, -amount, label_code, created_at from ${prev} where amount <= 0\n`;
    default:
      return `select id, key, round(amount, 2) as amount, label_code, created_at from ${prev}\n`;
  }
}

/**
 * Writes the project into `dir`.
 * @returns { models, chains, length }
 */
export function generateDocsProject(dir, { chains = 50, length = 40 } = {}) {
  write(dir, 'dops_project.yml', `name: docs_bench\ndatabase-path: bench.duckdb\nmodels:\n  docs_bench:\n    marts: {+materialized: table}\n`);
  const sources = ['version: 2', 'sources:', '  - name: raw', '    tables:'];
  for (let chain = 0; chain < chains; chain++) {
    sources.push(`      - name: t${pad(chain)}`, `        description: Raw table ${chain}.`, '        columns:');
    for (const [name, description] of [['id', 'Row id.'], ['key', 'Grouping key.'], ['amount', 'An amount.'], ['label', 'A label.'], ['created_at', 'When the row was made.']]) {
      sources.push(`          - name: ${name}`, `            description: ${description}`);
    }
  }
  write(dir, 'models/staging/_sources.yml', `${sources.join('\n')}\n`);
  const marts = ['version: 2', 'models:'];
  for (let chain = 0; chain < chains; chain++) {
    for (let step = 0; step < length; step++) {
      const folder = step === 0 ? 'staging' : step === length - 1 ? 'marts' : 'intermediate';
      write(dir, `models/${folder}/${docsModelName(chain, step, length)}.sql`, modelSql(chain, step, length, chains));
    }
    marts.push(`  - name: ${docsModelName(chain, length - 1, length)}`, '    description: A mart.', '    columns:', '      - name: key', '        data_tests: [unique, not_null]');
  }
  write(dir, 'models/marts/_marts.yml', `${marts.join('\n')}\n`);
  return { models: chains * length, chains, length };
}
