import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { query, relations, removeProjects, statuses } from '../helpers.js';
import { DB, dbtProjectFile, makeDbtProject, profilesFile } from './helpers.js';

afterAll(removeProjects);

const CONFIG = dbtProjectFile(`models:
  shop:
    staging:
      +schema: staging
      +materialized: table
seeds:
  shop:
    +schema: raw
`);

const FILES = {
  'dbt_project.yml': CONFIG,
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,30\n',
  'models/staging/stg_orders.sql': "select * from {{ ref('raw_orders') }}",
  'models/orders_summary.sql': "select count(*) as n from {{ ref('stg_orders') }}",
  'models/renamed.sql': "{{ config(alias='orders_alias') }}\nselect 1 as x",
};

describe("dbt's naming of schemas and aliases", () => {
  // https://docs.getdbt.com/docs/build/custom-schemas#how-does-dbt-generate-a-models-schema-name
  it('puts a custom schema after the target schema: <target.schema>_<custom>', async () => {
    const dir = makeDbtProject(FILES);
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(await relations(dir, DB)).toMatchObject({
      'main_raw.raw_orders': 'BASE TABLE',
      'main_staging.stg_orders': 'BASE TABLE',
      'main.orders_summary': 'VIEW',
      // https://docs.getdbt.com/docs/build/custom-aliases
      'main.orders_alias': 'VIEW',
    });
    expect(await query(dir, 'select n from main.orders_summary', DB)).toEqual([{ n: 3 }]);
  });

  it("uses the target's schema from profiles.yml", async () => {
    const dir = makeDbtProject({ ...FILES, 'profiles.yml': profilesFile('analytics') });
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await relations(dir, DB)).toMatchObject({ 'analytics_raw.raw_orders': 'BASE TABLE', 'analytics_staging.stg_orders': 'BASE TABLE', 'analytics.orders_summary': 'VIEW' });
  });

  // https://docs.getdbt.com/docs/build/custom-schemas#changing-the-way-dbt-generates-a-schema-name
  it("calls the project's generate_schema_name, which may branch on target.name and node.resource_type", async () => {
    const dir = makeDbtProject({
      ...FILES,
      'macros/generate_schema_name.sql': `{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if node.resource_type == 'seed' -%} landing
  {%- elif target.name == 'dev' and custom_schema_name is not none -%} {{ custom_schema_name | trim }}
  {%- else -%} {{ target.schema }}
  {%- endif -%}
{%- endmacro %}`,
    });
    expect((await build({ projectDir: dir })).success).toBe(true);
    // a second build parses from target/partial_parse.json and names the same relations
    const second = await build({ projectDir: dir });
    expect(second.results.map((r) => r.relationName).filter(Boolean).sort()).toEqual(['landing.raw_orders', 'main.orders_alias', 'main.orders_summary', 'staging.stg_orders']);
    expect(await relations(dir, DB)).toMatchObject({ 'landing.raw_orders': 'BASE TABLE', 'staging.stg_orders': 'BASE TABLE', 'main.orders_summary': 'VIEW' });
  });

  // https://docs.getdbt.com/docs/build/custom-aliases#generate_alias_name
  it("calls the project's generate_alias_name", async () => {
    const dir = makeDbtProject({
      ...FILES,
      'macros/naming.sql': `{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name -%} {{ custom_alias_name | trim }} {%- else -%} {{ node.resource_type }}_{{ node.name }} {%- endif -%}
{%- endmacro %}`,
    });
    const outcome = await build({ projectDir: dir });
    expect(statuses(outcome)).toMatchObject({ orders_summary: 'success', renamed: 'success' });
    expect(await relations(dir, DB)).toMatchObject({ 'main_raw.seed_raw_orders': 'BASE TABLE', 'main_staging.model_stg_orders': 'BASE TABLE', 'main.orders_alias': 'VIEW' });
  });
});
