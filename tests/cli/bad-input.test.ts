/**
 * The bad-input suite: one table of broken projects and command lines. Each case starts from a
 * copy of a project whose good build succeeded, breaks one thing, runs the real binary and checks
 * the exit code (2: project or usage error, nothing ran; 1: a node failed), that the culprit file
 * (and line where there is one) is named, that no stack trace or internal error is printed, and
 * that the relations of the good build are intact. Exit codes follow dbt
 * (https://docs.getdbt.com/reference/exit-codes).
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { makeProject, makeTempDir, query, removeProjects } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');
const STACK_LINE = /^\s{4}at /m;
const IS_ROOT = process.getuid?.() === 0;

const GOOD: Record<string, string> = {
  'seeds/raw.csv': 'id,amount,status\n1,10,open\n2,20,closed\n',
  'models/stg.sql': "select id, amount, status from {{ ref('raw') }}\n",
  'models/orders.sql': "{{ config(materialized='table') }}\nselect id, amount * 2 as doubled, status from {{ ref('stg') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
  'macros/double.sql': '{% macro double(x) %}{{ x }} * 2{% endmacro %}\n',
  'tests/positive.sql': "select * from {{ ref('orders') }} where doubled < 0\n",
};

const BASELINE = {
  raw: [{ id: 1, amount: 10, status: 'open' }, { id: 2, amount: 20, status: 'closed' }],
  stg: [{ id: 1, amount: 10, status: 'open' }, { id: 2, amount: 20, status: 'closed' }],
  orders: [{ id: 1, doubled: 20, status: 'open' }, { id: 2, doubled: 40, status: 'closed' }],
};

interface Case {
  name: string;
  /** Files to write (null: delete) over the good project. */
  files?: Record<string, string | null>;
  args?: string[];
  env?: Record<string, string>;
  exit: 0 | 1 | 2;
  /** Text the output must contain: the culprit file (`file:line` when there is a line), or the culprit flag. */
  culprit: string;
  /** More text the output must contain (the reason). */
  says?: string;
  /** A path (relative to the project) made unreadable (mode 000); the binary then runs as user nobody with HOME at the project, since root reads any file. */
  unreadable?: string;
}

const PROFILE = (output: string) => `dops:\n  target: dev\n  outputs:\n    dev:\n${output.split('\n').map((l) => `      ${l}`).join('\n')}\n`;
const PROJECT_WITH_PROFILE = 'name: proj\nprofile: dops\n';
const yamlModels = (body: string) => `version: 2\nmodels:\n${body}`;
const unitTest = (body: string) => `version: 2\nunit_tests:\n  - name: t\n    model: orders\n    given:\n      - input: ref('stg')\n${body}`;
const TYPED_STG = 'version: 2\nmodels:\n  - name: stg\n    columns:\n      - {name: id, data_type: integer}\n      - {name: amount, data_type: integer}\n      - {name: status, data_type: varchar}\n';

const CASES: Case[] = [
  // YAML properties
  { name: 'yaml: tab indentation', files: { 'models/schema.yml': 'version: 2\nmodels:\n\t- name: orders\n' }, exit: 2, culprit: 'models/schema.yml' },
  { name: 'yaml: unclosed quote', files: { 'models/schema.yml': 'version: 2\nmodels:\n  - name: "orders\n' }, exit: 2, culprit: 'models/schema.yml' },
  { name: 'yaml: duplicate key', files: { 'models/schema.yml': 'version: 2\nversion: 2\nmodels: []\n' }, exit: 2, culprit: 'models/schema.yml' },
  { name: 'yaml: models is a number', files: { 'models/schema.yml': 'version: 2\nmodels: 42\n' }, exit: 2, culprit: 'models/schema.yml' },
  { name: 'yaml: accepted_values without values', files: { 'models/schema.yml': yamlModels('  - name: orders\n    columns:\n      - name: status\n        data_tests:\n          - accepted_values:\n              quote: false\n') }, exit: 2, culprit: 'models/schema.yml:7', says: "missing its argument 'values'" },
  { name: 'yaml: relationships without field', files: { 'models/schema.yml': yamlModels("  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              to: ref('stg')\n") }, exit: 2, culprit: 'models/schema.yml:7', says: "'field'" },
  { name: 'yaml: unknown generic test', files: { 'models/schema.yml': yamlModels('  - name: orders\n    columns:\n      - name: id\n        data_tests: [uniqe]\n') }, exit: 2, culprit: 'models/schema.yml', says: "Unknown generic test 'uniqe'" },
  { name: 'yaml: test argument the test does not take', files: { 'models/schema.yml': yamlModels('  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              valuez: [1]\n') }, exit: 2, culprit: 'models/schema.yml', says: "keyword argument 'valuez'" },
  { name: 'yaml: a source table without a name', files: { 'models/sources.yml': 'version: 2\nsources:\n  - name: lake\n    tables:\n      - identifier: x\n' }, exit: 2, culprit: 'models/sources.yml' },
  { name: 'yaml: not a mapping at the top', files: { 'models/schema.yml': '- a\n- b\n' }, exit: 2, culprit: 'models/schema.yml' },
  { name: 'yaml: the typo colums: warns naming file and key (its tests would be dropped)', files: { 'models/schema.yml': yamlModels('  - name: orders\n    colums:\n      - name: id\n        data_tests: [unique]\n') }, exit: 0, culprit: 'models/schema.yml:4', says: "unknown key 'colums' in model 'orders' (did you mean 'columns'?)" },
  { name: 'yaml: columns is a number', files: { 'models/schema.yml': yamlModels('  - name: orders\n    columns: 42\n') }, exit: 2, culprit: 'models/schema.yml:4', says: "'columns' must be a list of columns, got 42" },
  { name: 'yaml: severity fatal', files: { 'models/schema.yml': yamlModels('  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config:\n                severity: fatal\n') }, exit: 2, culprit: 'models/schema.yml:7', says: "'severity' must be 'warn' or 'error', got 'fatal'" },
  { name: 'yaml: data_tests is not a list', files: { 'models/schema.yml': yamlModels('  - name: orders\n    columns:\n      - name: id\n        data_tests: unique\n') }, exit: 2, culprit: 'models/schema.yml:6', says: "'data_tests' must be a list" },
  { name: 'yaml: a misspelled top-level key warns', files: { 'models/schema.yml': 'version: 2\nmodles:\n  - name: orders\n' }, exit: 0, culprit: 'models/schema.yml:2', says: "unknown key 'modles'" },
  { name: 'yaml: properties for a model that does not exist warn', files: { 'models/schema.yml': yamlModels('  - name: ordres\n    description: typo\n') }, exit: 0, culprit: 'models/schema.yml:3', says: "model 'ordres', which does not exist" },
  // Jinja
  { name: 'jinja: unclosed expression', files: { 'models/bad.sql': 'select 1 as a,\n  {{ double(1) \n' }, exit: 2, culprit: 'models/bad.sql' },
  { name: 'jinja: unknown block tag', files: { 'models/bad.sql': 'select 1 as a\n{% frobnicate %}\n' }, exit: 2, culprit: 'models/bad.sql:2' },
  { name: 'jinja: if without endif', files: { 'models/bad.sql': '{% if true %}\nselect 1 as a\n' }, exit: 2, culprit: 'models/bad.sql' },
  { name: 'jinja: unknown macro', files: { 'models/bad.sql': 'select {{ no_such_macro(1) }} as a\n' }, exit: 2, culprit: 'models/bad.sql:1' },
  { name: 'jinja: required var missing', files: { 'models/bad.sql': "select {{ var('start_date') }} as a\n" }, exit: 2, culprit: 'models/bad.sql:1', says: 'start_date' },
  { name: 'jinja: env var missing', files: { 'models/bad.sql': "select '{{ env_var('DOPS_TEST_NOT_SET_X') }}' as a\n" }, exit: 2, culprit: 'models/bad.sql:1', says: 'DOPS_TEST_NOT_SET_X' },
  { name: 'jinja: extra positional argument to a macro', files: { 'models/bad.sql': 'select {{ double(1, 2) }} as a\n' }, exit: 2, culprit: 'models/bad.sql:1', says: "Macro 'double' takes not more than 1 argument" },
  { name: 'jinja: unknown keyword argument to a macro', files: { 'models/bad.sql': 'select {{ double(x=1, y=2) }} as a\n' }, exit: 2, culprit: 'models/bad.sql:1', says: "no keyword argument 'y'" },
  { name: 'jinja: syntax error in a macro file', files: { 'macros/broken.sql': '{% macro broken( %}x{% endmacro %}\n' }, exit: 2, culprit: 'macros/broken.sql' },
  { name: 'jinja: macro defined twice', files: { 'macros/again.sql': '{% macro double(x) %}{{ x }}{% endmacro %}\n' }, exit: 2, culprit: 'macros/again.sql', says: 'defined twice' },
  { name: 'jinja: endmacro missing', files: { 'macros/open.sql': '{% macro open_one() %}select 1\n' }, exit: 2, culprit: 'macros/open.sql' },
  { name: 'jinja: syntax error in a singular test', files: { 'tests/broken.sql': 'select * from {{ ref("orders") \n' }, exit: 2, culprit: 'tests/broken.sql' },
  { name: 'jinja: division by zero', files: { 'models/bad.sql': 'select {{ 1 / 0 }} as a\n' }, exit: 2, culprit: 'models/bad.sql:1', says: 'division by zero' },
  { name: 'jinja: raise_compiler_error', files: { 'models/bad.sql': "select 1 as a {{ exceptions.raise_compiler_error('boom here') }}\n" }, exit: 2, culprit: 'models/bad.sql:1', says: 'boom here' },
  { name: 'jinja: set without a value', files: { 'models/bad.sql': '{% set x = %}\nselect 1 as a\n' }, exit: 2, culprit: 'models/bad.sql:1' },
  // SQL
  { name: 'sql: syntax error', files: { 'models/bad.sql': 'selec 1 as a\n' }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql', says: 'Parser Error' },
  { name: 'sql: unknown column in a table model', files: { 'models/orders.sql': "{{ config(materialized='table') }}\nselect id, nope from {{ ref('stg') }}\n" }, exit: 1, culprit: 'target/compiled/proj/models/orders.sql:1', says: 'nope' },
  { name: 'sql: unknown column in a view model', files: { 'models/stg.sql': "select id, nope from {{ ref('raw') }}\n" }, exit: 1, culprit: 'target/compiled/proj/models/stg.sql:1', says: 'nope' },
  { name: 'sql: unknown function', files: { 'models/bad.sql': 'select no_such_fn(1) as a\n' }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql', says: 'no_such_fn' },
  { name: 'sql: error() at run time', files: { 'models/bad.sql': "{{ config(materialized='table') }}\nselect error('boom') as a\n" }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql', says: 'boom' },
  { name: 'sql: a singular test that does not bind', files: { 'tests/bad.sql': "select nope from {{ ref('orders') }}\n" }, exit: 1, culprit: 'target/compiled/proj/tests/bad.sql:1' },
  { name: 'sql: type error in a cast', files: { 'models/orders.sql': "{{ config(materialized='table') }}\nselect id, cast(status as integer) as doubled, status from {{ ref('stg') }}\n" }, exit: 1, culprit: 'target/compiled/proj/models/orders.sql' },
  { name: 'sql: empty model', files: { 'models/bad.sql': '\n' }, exit: 1, culprit: 'models/bad.sql' },
  { name: 'sql: a table that does not exist', files: { 'models/bad.sql': 'select * from no_such_table\n' }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql:1', says: 'no_such_table' },
  // Security: a body must be one SELECT
  { name: 'security: statement injection in a table model', files: { 'models/bad.sql': "{{ config(materialized='table') }}\nselect 1 as a) ; drop table main.orders; create table main.pwn as (select 1\n" }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql:1' },
  { name: 'security: statement injection in a view model', files: { 'models/bad.sql': 'select 1 as a) ; drop table main.orders; create view main.pwn as (select 1\n' }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql:1' },
  { name: 'security: two statements', files: { 'models/bad.sql': "{{ config(materialized='table') }}\nselect 1 as a; drop table main.orders\n" }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql', says: 'exactly one SELECT' },
  { name: 'security: a DROP as a model', files: { 'models/bad.sql': 'drop table main.orders\n' }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql', says: 'exactly one SELECT' },
  { name: 'security: injection in a singular test', files: { 'tests/bad.sql': "select * from {{ ref('orders') }} where false) ; drop table main.orders; select (1\n" }, exit: 1, culprit: 'target/compiled/proj/tests/bad.sql' },
  { name: 'security: injection in an incremental model', files: { 'models/bad.sql': "{{ config(materialized='incremental') }}\nselect 1 as a) ; drop table main.orders; create table main.pwn as (select 1\n" }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql' },
  { name: 'security: injection in an external model', files: { 'models/bad.sql': "{{ config(materialized='external') }}\nselect 1 as a) to 'x.csv'; drop table main.orders; copy (select 1\n" }, exit: 1, culprit: 'target/compiled/proj/models/bad.sql' },
  { name: 'security: secret env var in a model', files: { 'models/bad.sql': "select '{{ env_var('DBT_ENV_SECRET_TOKEN') }}' as a\n" }, env: { DBT_ENV_SECRET_TOKEN: 'abc123secret' }, exit: 2, culprit: 'models/bad.sql', says: 'Secret env vars are allowed only in profiles.yml' },
  { name: 'security: dops secret env var in a model', files: { 'models/bad.sql': "select '{{ env_var('DOPS_ENV_SECRET_TOKEN') }}' as a\n" }, env: { DOPS_ENV_SECRET_TOKEN: 'abc123secret' }, exit: 2, culprit: 'models/bad.sql' },
  // Refs and sources
  { name: 'ref: unknown model', files: { 'models/bad.sql': "select * from {{ ref('ordrs') }}\n" }, exit: 2, culprit: 'models/bad.sql:1', says: "Did you mean 'orders'" },
  { name: 'ref: a disabled model', files: { 'models/off.sql': '{{ config(enabled=false) }}\nselect 1 as a\n', 'models/bad.sql': "select * from {{ ref('off') }}\n" }, exit: 2, culprit: 'models/bad.sql:1', says: 'disabled' },
  { name: 'ref: unknown source', files: { 'models/bad.sql': "select * from {{ source('lake', 'x') }}\n" }, exit: 2, culprit: 'models/bad.sql:1', says: "source 'lake.x'" },
  { name: 'ref: a cycle', files: { 'models/a.sql': "select * from {{ ref('b') }}\n", 'models/b.sql': "select * from {{ ref('a') }}\n" }, exit: 2, culprit: 'cycle' },
  { name: 'ref: a model refs itself', files: { 'models/bad.sql': "select * from {{ ref('bad') }}\n" }, exit: 2, culprit: 'bad' },
  { name: 'ref: ref() without arguments', files: { 'models/bad.sql': 'select * from {{ ref() }}\n' }, exit: 2, culprit: 'models/bad.sql' },
  { name: 'ref: ref to a test name', files: { 'models/bad.sql': "select * from {{ ref('positive') }}\n" }, exit: 2, culprit: 'models/bad.sql:1' },
  { name: 'ref: two models with one name', files: { 'models/sub/orders.sql': 'select 1 as a\n' }, exit: 2, culprit: 'models/sub/orders.sql' },
  // Seeds
  { name: 'seed: a 3 MB field', files: { 'seeds/big.csv': `id,big\n1,${'x'.repeat(3_000_000)}\n` }, exit: 1, culprit: 'seeds/big.csv', says: 'Maximum line size' },
  { name: 'seed: ragged rows', files: { 'seeds/raw.csv': 'id,amount,status\n1,10,open\n2,20\n3,30,closed,extra\n' }, exit: 1, culprit: 'seeds/raw.csv' },
  { name: 'seed: empty file', files: { 'seeds/empty.csv': '' }, exit: 1, culprit: 'seeds/empty.csv' },
  { name: 'seed: two seeds with one name', files: { 'seeds/sub/raw.csv': 'id\n1\n' }, exit: 2, culprit: 'raw' },
  { name: 'seed: bad column_types', files: { 'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: raw\n    config:\n      column_types: {amount: not_a_type}\n' }, exit: 1, culprit: 'seeds/raw.csv' },
  { name: 'seed: a column named twice in the header warns', files: { 'seeds/dup.csv': 'id,ID,b\n1,2,3\n' }, exit: 0, culprit: 'seeds/dup.csv:1', says: "names 'id' more than once" },
  // Materialization config
  { name: 'config: +materialized: [table] in the project file', files: { 'dops_project.yml': 'name: proj\nmodels:\n  proj:\n    +materialized: [table]\n' }, exit: 2, culprit: 'dops_project.yml:4', says: "'materialized' must be a string" },
  { name: 'config: +enabled: maybe', files: { 'dops_project.yml': 'name: proj\nmodels:\n  proj:\n    +enabled: maybe\n' }, exit: 2, culprit: 'dops_project.yml:4', says: "'enabled' must be true or false" },
  { name: 'config: +tags: 42', files: { 'dops_project.yml': 'name: proj\nmodels:\n  proj:\n    +tags: 42\n' }, exit: 2, culprit: 'dops_project.yml:4', says: "'tags' must be a string or a list of strings" },
  { name: 'config: unknown materialization', files: { 'models/bad.sql': "{{ config(materialized='tabel') }}\nselect 1 as a\n" }, exit: 2, culprit: 'models/bad.sql', says: "Did you mean 'table'?" },
  { name: 'config: unknown incremental_strategy', files: { 'models/bad.sql': "{{ config(materialized='incremental', incremental_strategy='upsert') }}\nselect 1 as a\n" }, exit: 2, culprit: 'models/bad.sql', says: "unknown incremental_strategy 'upsert'" },
  { name: 'config: a config path that matches nothing warns', files: { 'dops_project.yml': 'name: proj\nmodels:\n  prj:\n    +materialized: table\n' }, exit: 0, culprit: 'dops_project.yml', says: 'models.prj' },
  { name: 'config: unknown external format', files: { 'models/bad.sql': "{{ config(materialized='external', format='xls') }}\nselect 1 as a\n" }, exit: 1, culprit: 'models/bad.sql', says: "unknown format 'xls'" },
  { name: 'config: partition_by with a file location', files: { 'models/bad.sql': "{{ config(materialized='external', location='out/x.parquet', partition_by='a') }}\nselect 1 as a\n" }, exit: 1, culprit: 'models/bad.sql' },
  { name: 'config: external location that cannot be created', files: { 'models/bad.sql': "{{ config(materialized='external', location='/proc/no/x.parquet') }}\nselect 1 as a\n" }, exit: 1, culprit: '/proc/no' },
  { name: 'config: incremental unique_key that is no column', files: { 'models/inc.sql': "{{ config(materialized='incremental', unique_key='nope') }}\nselect 1 as a\n" }, args: ['build', '-s', 'inc'], exit: 0, culprit: 'inc' },
  { name: 'config: bad test limit', files: { 'models/schema.yml': yamlModels("  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config: {limit: 'many'}\n") }, exit: 1, culprit: 'models/schema.yml' },
  // Project file
  { name: 'project: invalid YAML', files: { 'dops_project.yml': 'name: proj\nmodel-paths: [models\n' }, exit: 2, culprit: 'dops_project.yml' },
  { name: 'project: no name', files: { 'dops_project.yml': 'model-paths: [models]\n' }, exit: 2, culprit: 'dops_project.yml', says: "'name'" },
  { name: 'project: name starting with a digit', files: { 'dops_project.yml': 'name: 1proj\n' }, exit: 2, culprit: 'dops_project.yml' },
  { name: 'project: vars not a mapping', files: { 'dops_project.yml': 'name: proj\nvars: [1, 2]\n' }, exit: 2, culprit: 'dops_project.yml', says: 'vars' },
  { name: 'project: model-paths names no folder', files: { 'dops_project.yml': 'name: proj\nmodel-paths: [no_such_dir]\n', 'tests/positive.sql': null }, args: ['build', '-s', 'raw'], exit: 0, culprit: 'dops_project.yml:2', says: "'no_such_dir' does not exist" },
  { name: 'project: file missing', files: { 'dops_project.yml': null }, exit: 2, culprit: 'project.yml' },
  { name: 'project: a list instead of a mapping', files: { 'dops_project.yml': '- name\n' }, exit: 2, culprit: 'dops_project.yml' },
  // Profiles
  { name: 'profile: invalid YAML', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': 'dops: [\n' }, exit: 2, culprit: 'profiles.yml' },
  { name: 'profile: unknown target', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: dops.duckdb') }, args: ['build', '-t', 'prod'], exit: 2, culprit: 'profiles.yml', says: "Target 'prod' not found" },
  { name: 'profile: unsupported type', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: oracle') }, exit: 2, culprit: 'profiles.yml', says: 'oracle' },
  { name: 'profile: database folder cannot be created', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: /proc/no/such/x.duckdb') }, exit: 2, culprit: '/proc/no/such' },
  { name: 'profile: env var missing', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE("type: duckdb\npath: \"{{ env_var('DOPS_TEST_NO_DB_X') }}\"") }, exit: 2, culprit: 'profiles.yml', says: 'DOPS_TEST_NO_DB_X' },
  { name: 'profile: database path is a folder', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: models'), }, exit: 2, culprit: 'models' },
  { name: 'profile: database file is not a DuckDB file', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: garbage.duckdb'), 'garbage.duckdb': 'this is not a database\n'.repeat(500) }, exit: 2, culprit: 'garbage.duckdb' },
  { name: 'profile: threads: lots', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: dops.duckdb\nthreads: lots') }, exit: 2, culprit: 'profiles.yml:7', says: "'threads' must be a positive whole number, got 'lots'" },
  { name: 'profile: threads: 0', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: dops.duckdb\nthreads: 0') }, exit: 2, culprit: 'profiles.yml:7', says: "'threads' must be a positive whole number" },
  { name: 'profile: bad template', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, 'profiles.yml': PROFILE('type: duckdb\npath: "{{ env_var( }}"') }, exit: 2, culprit: 'profiles.yml' },
  // Command line
  { name: 'cli: tag: with no value', args: ['build', '-s', 'tag:'], exit: 2, culprit: "'tag:'" },
  { name: 'cli: unknown selector method', args: ['build', '-s', 'colour:red'], exit: 2, culprit: "'colour'" },
  { name: 'cli: --vars not a mapping', args: ['build', '--vars', '[1, 2]'], exit: 2, culprit: '--vars' },
  { name: 'cli: unknown selector name', args: ['build', '--selector', 'nightly'], exit: 2, culprit: 'nightly' },
  { name: 'cli: unknown command', args: ['bild'], exit: 2, culprit: 'bild' },
  { name: 'cli: unknown flag', args: ['build', '--frobnicate'], exit: 2, culprit: '--frobnicate' },
  { name: 'cli: state: without --state', args: ['build', '-s', 'state:modified'], exit: 2, culprit: '--state' },
  { name: 'cli: --state folder without manifest', args: ['build', '-s', 'state:modified', '--state', 'no_such_state'], exit: 2, culprit: 'no_such_state' },
  { name: 'cli: @ combined with +', args: ['build', '-s', '@orders+'], exit: 2, culprit: '@orders+' },
  { name: 'cli: --project-dir that does not exist', args: ['build', '--project-dir', '/no/such/project'], exit: 2, culprit: '/no/such/project' },
  { name: 'cli: bad selectors.yml', files: { 'selectors.yml': 'selectors:\n  - name: x\n    definition: {union: 3}\n' }, args: ['build', '--selector', 'x'], exit: 2, culprit: 'selectors.yml' },
  { name: 'cli: --warn-error makes the colums: warning an error', files: { 'models/schema.yml': yamlModels('  - name: orders\n    colums:\n      - name: id\n') }, args: ['build', '--warn-error'], exit: 2, culprit: 'models/schema.yml:4', says: "unknown key 'colums'" },
  { name: 'cli: --warn-error makes a repeated seed column an error', files: { 'seeds/dup.csv': 'id,ID\n1,2\n' }, args: ['build', '--warn-error'], exit: 2, culprit: 'seeds/dup.csv:1', says: '--warn-error' },
  { name: 'cli: --threads lots', args: ['build', '--threads', 'lots'], exit: 2, culprit: '--threads' },
  { name: 'cli: --vars that is not YAML', args: ['build', '--vars', '{bad: [yaml'], exit: 2, culprit: '--vars' },
  { name: 'cli: run-operation of an unknown macro', args: ['run-operation', 'no_such_macro'], exit: 2, culprit: "'no_such_macro'" },
  // Unit tests (https://docs.getdbt.com/docs/build/unit-tests)
  { name: 'unit: an unknown model', files: { 'models/unit.yml': 'version: 2\nunit_tests:\n  - name: t\n    model: ordrs\n    given: []\n    expect: {rows: []}\n' }, exit: 2, culprit: 'models/unit.yml:3', says: "Did you mean 'orders'?" },
  { name: 'unit: an input that is not a ref or source of the model', files: { 'models/unit.yml': unitTest("        rows: []\n      - input: ref('raw')\n        rows: []\n    expect: {rows: []}\n") }, exit: 2, culprit: 'models/unit.yml:8', says: "input ref('raw') is not a ref or source of model 'orders'" },
  { name: 'unit: rows with an unknown column (input typed in YAML)', files: { 'models/stg.yml': TYPED_STG, 'models/unit.yml': unitTest('        rows: [{id: 1, amuont: 2}]\n    expect: {rows: []}\n') }, exit: 2, culprit: 'models/unit.yml:6', says: "column 'amuont'" },
  { name: 'unit: rows with an unknown column (input relation in the warehouse)', files: { 'models/unit.yml': unitTest('        rows: [{id: 1, amuont: 2}]\n    expect: {rows: []}\n') }, exit: 1, culprit: 'models/unit.yml:6', says: "column 'amuont'" },
  { name: 'unit: unparsable inline CSV', files: { 'models/unit.yml': unitTest('        format: csv\n        rows: |\n          id,amount\n          1,"2\n    expect: {rows: []}\n') }, exit: 2, culprit: 'models/unit.yml:10', says: 'Cannot read CSV rows' },
  { name: 'unit: unparsable CSV fixture file', files: { 'tests/fixtures/bad.csv': 'id,amount\n1,"2\n', 'models/unit.yml': unitTest('        format: csv\n        fixture: bad\n    expect: {rows: []}\n') }, exit: 2, culprit: 'tests/fixtures/bad.csv:2', says: 'Cannot read CSV rows' },
  { name: 'unit: a fixture that does not exist', files: { 'models/unit.yml': unitTest('        format: csv\n        fixture: nope\n    expect: {rows: []}\n') }, exit: 2, culprit: 'models/unit.yml:8', says: "Fixture 'nope' not found" },
  { name: 'unit: dict rows that are not a list', files: { 'models/unit.yml': unitTest('        rows: {id: 1}\n    expect: {rows: []}\n') }, exit: 2, culprit: 'models/unit.yml:7', says: "'rows' in format dict must be a list" },
  { name: 'unit: an expected column the model does not return', files: { 'models/unit.yml': unitTest('        rows: [{id: 1, amount: 2}]\n    expect: {rows: [{id: 1, dubled: 4}]}\n') }, exit: 1, culprit: 'models/unit.yml:8', says: "expected column 'dubled' not in the output of model orders" },
  { name: "unit: input 'this' on a model that is not incremental", files: { 'models/unit.yml': unitTest('        rows: []\n      - input: this\n        rows: []\n    expect: {rows: []}\n') }, exit: 2, culprit: 'models/unit.yml:8', says: "input 'this' is only for incremental models" },
  // File system
  { name: 'fs: an unreadable model file (EACCES) names the file and the permission', unreadable: 'models/stg.sql', exit: 2, culprit: 'models/stg.sql', says: 'permission denied' },
  { name: 'fs: an unreadable ~/.dbt folder names the file and the permission', files: { 'dops_project.yml': PROJECT_WITH_PROFILE, '.dbt/profiles.yml': PROFILE('type: duckdb\npath: dops.duckdb') }, unreadable: '.dbt', exit: 2, culprit: '.dbt/profiles.yml', says: 'permission denied' },
  { name: 'fs: a broken symbolic link to a model file', files: { 'models/broken.sql': '@symlink /no/such/file.sql' }, exit: 2, culprit: 'models/broken.sql', says: 'symbolic link to /no/such/file.sql, which does not exist' },
  { name: 'fs: a symbolic link looping back to models', files: { 'models/loop': '@symlink ../models' }, exit: 2, culprit: 'models/loop/orders.sql' },
  { name: 'fs: invalid UTF-8 in a model', files: { 'models/bad.sql': 'select \u00ff\u00fe as a\n' }, exit: 1, culprit: 'models/bad.sql' },
  { name: 'fs: a folder named like a model', files: { 'models/folder.sql/x.sql': 'select 1 as x\n' }, exit: 0, culprit: 'x' },
];

/** Runs the built binary; resolves with its exit code and output. */
function dops(args: string[], cwd: string, env: Record<string, string> = {}, asNobody = false): Promise<{ status: number | null; output: string }> {
  return new Promise((done, reject) => {
    const other = asNobody && IS_ROOT ? { uid: 65534, gid: 65534 } : {};
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...(asNobody ? { HOME: cwd } : {}), ...env }, ...other });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => done({ status, output }));
  });
}

let good: string;

beforeAll(async () => {
  good = makeProject(GOOD);
  const built = await dops(['build'], good);
  if (built.status !== 0) throw new Error(`the good project does not build:\n${built.output}`);
});
afterAll(removeProjects);

/** Copies the good project (its database included), breaks it as the case says and runs the binary. */
async function runCase(c: Case): Promise<{ status: number | null; output: string; dir: string }> {
  const dir = join(makeTempDir(), 'project');
  cpSync(good, dir, { recursive: true });
  for (const [path, contents] of Object.entries(c.files ?? {})) {
    if (contents === null) rmSync(join(dir, path), { force: true });
    else if (contents.startsWith('@symlink ')) symlinkSync(contents.slice('@symlink '.length), join(dir, path));
    else {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), contents);
    }
  }
  if (c.unreadable) {
    // Everything else open to user nobody (the database file included), the culprit closed.
    for (const path of [dirname(dir), dir]) chmodSync(path, 0o777);
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) chmodSync(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o777 : 0o666);
    chmodSync(join(dir, c.unreadable), 0o000);
  }
  return { ...(await dops(c.args ?? ['build'], dir, c.env, Boolean(c.unreadable))), dir };
}

describe(`bad input (${CASES.length} cases)`, () => {
  // Each case is its own process on its own copy, a few at a time (vitest's maxConcurrency); no
  // shared deadline, so a loaded machine makes the suite slower, never red.
  for (const c of CASES) {
    it.concurrent(c.name, async ({ expect }) => {
      const { status, output, dir } = await runCase(c);
      expect(status, output).toBe(c.exit);
      expect(output).toContain(c.culprit);
      if (c.says) expect(output).toContain(c.says);
      expect(output).not.toMatch(STACK_LINE);
      expect(output).not.toContain('Internal error');
      for (const secret of Object.values(c.env ?? {})) expect(output).not.toContain(secret);
      for (const [relation, rows] of Object.entries(BASELINE)) {
        expect(await query(dir, `select * from main.${relation} order by all`), relation).toEqual(rows);
      }
      expect((await query(dir, "select count(*) as n from information_schema.tables where table_name = 'pwn'"))[0].n).toBe(0);
    }, 300_000);
  }
});
