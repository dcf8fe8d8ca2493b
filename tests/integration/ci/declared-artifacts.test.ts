/**
 * Every command is data (src/session/commands.ts): a name and the artifacts it writes. This runs
 * each command on a DuckDB project and fails when one leaves in target/ a file its declaration
 * does not list (each project file is edited before each command, so the parse and compile caches
 * are rewritten whenever a command may rewrite them). Which dbt command writes which artifact:
 * https://docs.getdbt.com/reference/artifacts/dbt-artifacts; target/compiled and target/run:
 * https://docs.getdbt.com/reference/global-configs/json-artifacts.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, columnLineage, compile, generateDocs, list, run, seed, snapshot, sourceFreshness, test as testCommand } from '../../../src/api/index.js';
import { clone } from '../../../src/api/clone.js';
import { compileInline } from '../../../src/api/compile-inline.js';
import { parse } from '../../../src/api/parse.js';
import { retry } from '../../../src/api/retry.js';
import { runOperation } from '../../../src/api/run-operation.js';
import { show } from '../../../src/api/show.js';
import { ARTIFACT_PATHS, type ArtifactName } from '../../../src/session/artifacts.js';
import { OTHER_COMMANDS, RUN_COMMANDS, type Command } from '../../../src/session/commands.js';
import { makeProject, makeTempDir, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

const FILES = {
  'seeds/raw.csv': 'id,loaded_at\n1,2024-01-01 00:00:00\n2,2024-01-02 00:00:00\n',
  'models/m.sql': "select id, loaded_at from {{ ref('raw') }}\n",
  'models/schema.yml': [
    'version: 2',
    'sources:',
    '  - name: src',
    '    schema: main',
    '    tables:',
    '      - name: raw',
    '        loaded_at_field: loaded_at',
    '        freshness: {warn_after: {count: 1, period: day}}',
    'models:',
    '  - name: m',
    '    columns:',
    '      - name: id',
    '        data_tests: [not_null]',
    '',
  ].join('\n'),
  'snapshots/snap.sql': "{% snapshot snap %}{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }} select * from {{ ref('m') }} {% endsnapshot %}\n",
  'macros/ops.sql': "{% macro op() %}select 1{% endmacro %}\n{% macro bad_op() %}insert into no_such_table values (1){% endmacro %}\n",
};

/** Every file under `dir`, relative to it. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** The artifact a target/ file belongs to (see ARTIFACT_PATHS); undefined for a file no artifact names. */
function artifactOf(path: string): ArtifactName | undefined {
  const posix = path.split('\\').join('/');
  const entries = Object.entries(ARTIFACT_PATHS) as [ArtifactName, readonly string[]][];
  return entries.find(([, paths]) => paths.some((p) => (p.endsWith('/') ? posix.startsWith(p) : posix === p)))?.[0];
}

let edits = 0;

/**
 * Runs `body` after editing the model (so parse and compile caches are stale), removing the run
 * files (like compiled files, a run file is rewritten only when its text changes, and a test's
 * does not change with the model) and ageing every other target/ file; returns the artifacts of
 * the files it then created or rewrote.
 */
async function written(dir: string, body: () => Promise<unknown>): Promise<{ artifacts: Set<string>; unknown: string[] }> {
  const target = join(dir, 'target');
  writeFile(dir, 'models/m.sql', `select id, loaded_at from {{ ref('raw') }} -- edit ${++edits}\n`);
  rmSync(join(target, 'run'), { recursive: true, force: true });
  const old = new Date(Date.now() - 3_600_000);
  for (const file of files(target)) utimesSync(join(target, file), old, old);
  const before = new Map(files(target).map((file) => [file, statSync(join(target, file)).mtimeMs]));
  await body().catch((error: unknown) => {
    if (!(error instanceof Error) || error.constructor.name !== 'OperationError') throw error;
  });
  const changed = files(target).filter((file) => before.get(file) !== statSync(join(target, file)).mtimeMs);
  const artifacts = new Set<string>();
  const unknown: string[] = [];
  for (const file of changed) {
    const artifact = artifactOf(file);
    if (artifact) artifacts.add(artifact);
    else unknown.push(file);
  }
  return { artifacts, unknown };
}

/** Fails unless every file `body` leaves in target/ is an artifact `command` declares. */
async function expectDeclared(dir: string, command: Command, body: () => Promise<unknown>, mustWrite: ArtifactName[] = []): Promise<void> {
  const { artifacts, unknown } = await written(dir, body);
  expect(unknown, `dops ${command.name} wrote files no artifact names`).toEqual([]);
  const undeclared = [...artifacts].filter((artifact) => !(command.artifacts as readonly string[]).includes(artifact));
  expect(undeclared, `dops ${command.name} wrote artifacts its declaration does not list`).toEqual([]);
  for (const artifact of mustWrite) expect(artifacts, `dops ${command.name} should write ${artifact}`).toContain(artifact);
}

describe('commands write only the artifacts they declare', () => {
  it('every command, on DuckDB', async () => {
    const dir = makeProject(FILES);
    const projectDir = dir;
    await expectDeclared(dir, OTHER_COMMANDS.parse, async () => parse({ projectDir }), ['manifest', 'perf_info', 'partial_parse']);
    await expectDeclared(dir, OTHER_COMMANDS.ls, async () => list({ projectDir }), ['manifest']);
    await expectDeclared(dir, OTHER_COMMANDS.compile, async () => compile({ projectDir }), ['manifest', 'compiled', 'compile_cache']);
    await expectDeclared(dir, RUN_COMMANDS.build, () => build({ projectDir, reuse: false }), ['manifest', 'run_results', 'run']);
    await expectDeclared(dir, RUN_COMMANDS.run, () => run({ projectDir, reuse: false }), ['manifest', 'run_results', 'run']);
    await expectDeclared(dir, RUN_COMMANDS.test, () => testCommand({ projectDir, reuse: false }), ['manifest', 'run_results', 'run']);
    await expectDeclared(dir, RUN_COMMANDS.seed, () => seed({ projectDir, reuse: false }), ['manifest', 'run_results', 'run']);
    await expectDeclared(dir, RUN_COMMANDS.snapshot, () => snapshot({ projectDir, reuse: false }), ['manifest', 'run_results', 'run']);
    await expectDeclared(dir, OTHER_COMMANDS.freshness, () => sourceFreshness({ projectDir }), ['sources']);
    await expectDeclared(dir, OTHER_COMMANDS.docs, () => generateDocs({ projectDir, data: false }), ['manifest', 'catalog', 'lineage', 'docs_site']);
    await expectDeclared(dir, OTHER_COMMANDS.lineage, () => columnLineage({ projectDir, column: 'm.id' }), ['manifest']);
    await expectDeclared(dir, OTHER_COMMANDS.show, () => show({ projectDir, select: ['m'] }));
    await expectDeclared(dir, OTHER_COMMANDS.compileInline, () => compileInline({ projectDir, inline: "select * from {{ ref('m') }}" }));
    const state = makeTempDir();
    mkdirSync(state, { recursive: true });
    cpSync(join(dir, 'target', 'manifest.json'), join(state, 'manifest.json'));
    await expectDeclared(dir, OTHER_COMMANDS.clone, () => clone({ projectDir, state }), ['manifest', 'run_results']);
    await expectDeclared(dir, OTHER_COMMANDS.runOperation, () => runOperation({ projectDir, macro: 'op' }), ['manifest', 'run_results']);
    await expectDeclared(dir, OTHER_COMMANDS.runOperation, () => runOperation({ projectDir, macro: 'bad_op' }), ['manifest', 'run_results']);
    await expectDeclared(dir, OTHER_COMMANDS.retry, () => retry({ projectDir }), ['run_results']);
    await expectDeclared(dir, RUN_COMMANDS.build, () => build({ projectDir, select: ['m', 'no_such'] }));
    await expectDeclared(dir, OTHER_COMMANDS.retry, () => retry({ projectDir }), ['run_results']);
  }, 120_000);

  it('retry declares everything the commands it retries may write', () => {
    for (const command of [...Object.values(RUN_COMMANDS), OTHER_COMMANDS.runOperation]) {
      for (const artifact of command.artifacts) expect(OTHER_COMMANDS.retry.artifacts, `${command.name}: ${artifact}`).toContain(artifact);
    }
  });
});
