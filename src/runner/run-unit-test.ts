import type { Adapter, Connection, Dialect } from '../adapter/adapter.js';
import { renderRelation, quoteIdentifier } from '../adapter/quoting.js';
import { engineInfo, type EngineInfo } from '../adapter/registry.js';
import type { Target } from '../config/profiles.js';
import type { Compiler } from '../compiler/compiler.js';
import { DopsError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ColumnInfo, ModelNode, UnitTestNode, UnitTestRows } from '../manifest/nodes.js';
import { ACTUAL_TABLE, diffQuery, engineType, EXPECTED_TABLE, fixtureName, inferColumnTypes, rowsQuery } from '../materializations/unit-test.js';
import { formatTable } from '../reporter/table.js';
import type { RelationCatalog } from './catalog.js';
import { errorMessage, type Outcome } from './execute-node.js';

/**
 * Where a run's unit tests run, by the target engine's {@link EngineInfo.unitTests}: DuckDB targets
 * on an in-memory DuckDB (no warehouse needed: see README, "Unit tests"), opened through the
 * adapter registry on first use and shared by a run's unit tests (each test on its own connection,
 * so their temp tables never meet); other engines (PostgreSQL) on the target's own connection, each
 * test in a transaction that is rolled back, as dbt runs unit tests on the warehouse.
 */
export class UnitTestDatabase {
  private adapter: Promise<Adapter> | undefined;
  /** True when unit tests run on the target's connection (see {@link EngineInfo.unitTests}). */
  readonly onTarget: boolean;

  /** @param projectDir the project (DuckDB resolves relative file paths in models against it) */
  constructor(private readonly projectDir: string, private readonly target: Target) {
    this.onTarget = engineInfo(target.type)?.unitTests === 'target';
  }

  /** A new connection to the in-memory database. */
  async connect(): Promise<Connection> {
    const target: Target = { name: 'unit', type: 'duckdb', profileName: this.target.profileName, path: ':memory:', database: 'memory', schema: 'main', threads: 1, extensions: this.target.type === 'duckdb' ? this.target.extensions : undefined };
    this.adapter ??= engineInfo('duckdb')!.open(target, this.projectDir);
    return (await this.adapter).connect();
  }

  /** Closes the database, if it was opened. */
  async close(): Promise<void> {
    if (this.adapter) await (await this.adapter).close();
  }
}

/** Where a run can read existing relations' column types: the target's connection and catalog. */
export interface WarehouseColumns {
  connection: Connection;
  catalog: RelationCatalog;
}

function yamlTypes(columns: Record<string, ColumnInfo> | undefined): Map<string, string> | undefined {
  const typed = Object.values(columns ?? {}).filter((c) => c.dataType);
  return typed.length ? new Map(typed.map((c) => [c.name.toLowerCase(), c.dataType!])) : undefined;
}

/**
 * The columns and types of an input's fixture: the YAML `data_type`s of the input node (contract
 * or documented), else the columns of its relation when the warehouse has it, else inferred from
 * the fixture's values. Columns known but not in the fixture are null (dbt fills them the same way).
 * @throws DopsError (with the test's file and line) for a fixture column the existing relation lacks
 */
async function inputColumns(manifest: Manifest, test: UnitTestNode, id: string, rows: UnitTestRows, warehouse: WarehouseColumns | undefined, dialect: Dialect | undefined): Promise<{ columns: string[]; types: Map<string, string | undefined> }> {
  const node = manifest.get(id) as ModelNode;
  const given = rows.columns;
  let known: Map<string, string> | undefined = yamlTypes(node.columns);
  // On the target, YAML types take the engine's aliases (`string` -> `text` on PostgreSQL), as in a contract.
  if (known && dialect) known = new Map([...known].map(([name, type]) => [name, dialect.translateType(type)]));
  if (!known && warehouse && 'relation' in node && warehouse.catalog.kindOf(node.relation)) {
    let described: Awaited<ReturnType<Connection['describeColumns']>> | undefined;
    try {
      described = await warehouse.connection.describeColumns(renderRelation(node.relation));
    } catch {
      described = undefined;
    }
    if (described) {
      known = new Map(described.map((c) => [c.name.toLowerCase(), c.type]));
      // The relation's columns are the complete list: a fixture column outside it is a typo (dbt:
      // "Invalid column name ... in unit test fixture"), never a silently added column.
      const unknown = given.filter((c) => !known!.has(c.toLowerCase()));
      if (unknown.length) {
        const location = rows.fixture ? { file: rows.fixture, line: 1 } : { file: test.originalFilePath, line: rows.line ?? test.line ?? 1 };
        throw new DopsError(`Unit test '${test.name}': the rows for ${node.name} have ${unknown.length === 1 ? 'column' : 'columns'} ${unknown.map((c) => `'${c}'`).join(', ')} that ${unknown.length === 1 ? 'is' : 'are'} not in ${renderRelation(node.relation)}`, { location, hint: `Its columns: ${described.map((c) => c.name).join(', ')}.` });
      }
    }
  }
  const inferred = inferColumnTypes(rows.rows ?? [], given);
  const columns = [...given];
  const lower = new Set(given.map((c) => c.toLowerCase()));
  if (known) for (const name of known.keys()) if (!lower.has(name)) columns.push(name);
  const types = new Map(columns.map((c) => [c, known?.get(c.toLowerCase()) ?? (dialect ? engineType(inferred.get(c), dialect) : inferred.get(c))]));
  return { columns, types };
}

const PLAIN = { write: () => true, isTTY: false } as const;

/** dbt's diff table of a failed unit test: `---` rows expected but missing, `+++` rows produced but not expected. */
function diffMessage(rows: Record<string, unknown>[], columns: string[], actualCount: number, expectedCount: number): string {
  const table = formatTable(['@@', ...columns], rows.map((row) => ({ ...row, '@@': row.__dops_diff })), PLAIN as never).trimEnd().split('\n').join('\n  ');
  const added = rows.filter((r) => r.__dops_diff === '+++').length;
  const removed = rows.length - added;
  return [
    `actual differs from expected (${expectedCount} expected row${expectedCount === 1 ? '' : 's'}, ${actualCount} actual; ${removed} missing, ${added} unexpected):`,
    '',
    table,
    '',
    '--- expected rows missing from the actual output; +++ actual rows not expected',
  ].join('\n  ');
}

/**
 * Runs one unit test on the in-memory DuckDB, or on the target's connection inside a transaction
 * that is rolled back (see {@link UnitTestDatabase}): loads each input's fixture rows into a temp
 * table, runs the model's SQL rendered over them, and compares its output with the expected rows
 * on the expected columns, as multisets (https://docs.getdbt.com/docs/build/unit-tests).
 * @param warehouse the target's connection and catalog, when the run has one (column types of
 *   existing relations; with {@link UnitTestDatabase.onTarget}, where the test runs)
 * @returns `pass`, `fail` with the diff table as message and the differing row count as failures,
 *   or `error` (a render or SQL problem, or an expected column the model does not return)
 */
export async function runUnitTest(test: UnitTestNode, manifest: Manifest, compiler: Compiler, database: UnitTestDatabase, warehouse?: WarehouseColumns): Promise<Outcome> {
  const model = manifest.get(test.modelId!) as ModelNode;
  const onTarget = database.onTarget && warehouse !== undefined;
  let connection: Connection | undefined;
  // Temp tables through the engine's dialect on the target; today's DuckDB statement in memory.
  const createTemp = async (name: string, sql: string) => {
    if (!onTarget) return void (await connection!.execute(`create temp table ${quoteIdentifier(name)} as\n${sql}`));
    for (const statement of connection!.dialect.createTempTableAs(name, sql)) await connection!.execute(statement);
  };
  let began = false;
  try {
    connection = onTarget ? warehouse.connection : await database.connect();
    if (onTarget) {
      await connection.execute('begin transaction');
      began = true;
    }
    const inputs = new Map<string, string>();
    for (const [index, given] of test.given.entries()) {
      const name = fixtureName(index);
      // SQL rows are Jinja like a model (dbt compiles a `format: sql` input as the input node's code).
      const body = given.format === 'sql' ? compiler.renderHook(given.sql!, given.fixture ?? test.originalFilePath, model) : await (async () => {
        const { columns, types } = await inputColumns(manifest, test, given.nodeId!, given, warehouse, onTarget ? connection!.dialect : undefined);
        return rowsQuery(given.rows ?? [], columns, types);
      })();
      await createTemp(name, body);
      inputs.set(given.nodeId!, quoteIdentifier(name));
    }
    const sql = compiler.renderUnitTest(model, inputs, test.overrides, test.name);
    await createTemp(ACTUAL_TABLE, sql);
    const actualTypes = new Map((await connection.describeColumns(quoteIdentifier(ACTUAL_TABLE))).map((c) => [c.name.toLowerCase(), { name: c.name, type: c.type }]));
    const expect = test.expect;
    let columns: string[];
    if (expect.format === 'sql') {
      await createTemp(EXPECTED_TABLE, expect.sql!);
      columns = (await connection.describeColumns(quoteIdentifier(EXPECTED_TABLE))).map((c) => c.name);
    } else if (!expect.columns.length) {
      // `rows: []`: the model must return no rows; compare on every column it returns.
      columns = [...actualTypes.values()].map((c) => c.name);
      await createTemp(EXPECTED_TABLE, rowsQuery([], columns, new Map([...actualTypes.values()].map((c) => [c.name, c.type]))));
    } else {
      columns = expect.columns;
      const missing = columns.filter((c) => !actualTypes.has(c.toLowerCase()));
      if (missing.length) {
        return { status: 'error', message: `${test.originalFilePath}:${expect.line ?? test.line ?? 1}: unit test ${test.name}: expected column${missing.length === 1 ? '' : 's'} ${missing.map((c) => `'${c}'`).join(', ')} not in the output of model ${model.name} (columns: ${[...actualTypes.values()].map((c) => c.name).join(', ')})` };
      }
      const types = new Map(columns.map((c) => [c, actualTypes.get(c.toLowerCase())!.type]));
      await createTemp(EXPECTED_TABLE, rowsQuery(expect.rows ?? [], columns, types));
    }
    const missing = columns.filter((c) => !actualTypes.has(c.toLowerCase()));
    if (missing.length) return { status: 'error', message: `unit test ${test.name}: expected columns ${missing.join(', ')} are not in the output of model ${model.name}` };
    const diff = await connection.query(diffQuery(columns));
    if (!diff.length) return { status: 'pass', message: 'PASS', failures: 0 };
    const count = async (table: string) => Number((await connection!.query(`select count(*) as n from ${quoteIdentifier(table)}`))[0].n);
    return { status: 'fail', message: diffMessage(diff, columns, await count(ACTUAL_TABLE), await count(EXPECTED_TABLE)), failures: diff.length };
  } catch (error) {
    if (error instanceof DopsError) return { status: 'error', message: errorMessage(error) };
    const text = connection ? connection.describeError(error).text : String((error as Error).message ?? error);
    return { status: 'error', message: `Database error in unit test ${test.name} (model ${model.name}, ${onTarget ? 'on the target' : 'on in-memory DuckDB'}): ${text}` };
  } finally {
    // On the target: the fixtures and outputs go with the transaction; the connection is the run's.
    if (onTarget) {
      if (began) await connection!.execute('rollback').catch(() => undefined);
    } else connection?.close();
  }
}
