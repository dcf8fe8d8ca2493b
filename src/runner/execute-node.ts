import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotASingleSelectError, type Connection, type StatementResult } from '../adapter/adapter.js';
import type { CompiledNode, Compiler } from '../compiler/compiler.js';
import { CompilationError, DatabaseError, DopsError, formatLocation } from '../errors.js';
import { relationName, type ManifestNode, type ModelNode, type SeedNode, type SqlNode } from '../manifest/nodes.js';
import { planModel, planSeed, type MaterializationPlan } from '../materializations/index.js';
import { checkSeedCsv, seedRecordLine } from '../materializations/seed-check.js';
import { seedTable, UnloadableSeedValue } from '../materializations/seed.js';
import { assertContract, contractConfig, foreignKeyResolver } from '../materializations/contract.js';
import type { ContractContext } from '../materializations/table.js';
import type { RelationCatalog } from './catalog.js';
import type { NodeResult } from './results.js';
import { runTest } from './run-test.js';
import { spliceHooks, withNodeHooks } from './hooks.js';
import { persistDocs } from './persist-docs.js';
import { runSnapshotNode, runStatefulModel, type RunSettings } from './run-stateful.js';

/** A node's outcome before timing and thread are added. */
export type Outcome = Pick<NodeResult, 'status' | 'message' | 'rowsAffected' | 'failures' | 'relationName' | 'compiledPath' | 'reused'>;


/**
 * The reason DuckDB's CSV reader gives below its first line (`CSV Error on Line: 1` alone says
 * nothing), e.g. `: Maximum line size of 2000000 bytes exceeded. Actual Size:3000003 bytes.`;
 * '' for other errors. The echoed `Original Line:` (possibly megabytes) is left out.
 */
export function csvErrorReason(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split('\n');
  if (!/CSV Error/i.test(lines[0])) return '';
  const reason = lines.slice(1).map((line) => line.trim()).find((line) => line && !line.startsWith('Original Line:'));
  return reason ? `: ${reason.length > 300 ? `${reason.slice(0, 300)}...` : reason}` : '';
}

/** Synchronous work done on the JS thread while DuckDB executes one statement of a plan. */
export interface AlongsideWork {
  /** Index of the statement during which {@link work} runs. */
  index: number;
  /** Checks that may reject the build: what it throws fails the plan (rolled back) instead of DuckDB's result. */
  work(): void;
}

/**
 * Runs a plan's statements in order, rolling back on the first error (which is re-thrown). The row
 * count of `plan.rowCountStatement` is read while DuckDB runs the statement after it.
 * @param alongside work run right after statement `alongside.index` is handed to DuckDB; once that
 *   statement has ended, an error the work threw is raised in preference to DuckDB's
 * @returns the row count of `plan.rowCountStatement`, if DuckDB reports one
 */
export async function runPlan(connection: Connection, plan: MaterializationPlan, alongside?: AlongsideWork): Promise<number | undefined> {
  let rows: number | undefined;
  let counted: StatementResult | undefined;
  try {
    const { statements } = plan;
    for (let index = 0; index < statements.length; index++) {
      const pending = connection.run(statements[index]);
      if (counted) rows = counted.rowCount();
      counted = undefined;
      let rejected: { error: unknown } | undefined;
      if (index === alongside?.index) {
        try {
          alongside.work();
        } catch (error) {
          rejected = { error };
        }
      }
      let result: StatementResult;
      try {
        result = await pending;
      } catch (error) {
        throw rejected ? rejected.error : error;
      }
      if (rejected) throw rejected.error;
      if (index === plan.rowCountStatement) counted = result;
    }
    if (counted) rows = counted.rowCount();
  } catch (error) {
    await connection.execute('rollback').catch(() => undefined);
    throw error;
  }
  return rows;
}

/** A DatabaseError naming the node, its compiled file (with the engine's line) and the engine's message. */
export function databaseError(node: ManifestNode, compiledPath: string | undefined, error: unknown, lineOffset: number, connection: Connection): DatabaseError {
  const { text, line } = connection.describeError(error, lineOffset);
  const where = compiledPath ? ` (compiled SQL: ${compiledPath}${line ? `:${line}` : ''})` : '';
  return new DatabaseError(`Database error in ${node.resourceType} ${node.name}${where}: ${text}`, {
    location: { file: node.originalFilePath },
  });
}

/**
 * Refuses a compiled model, snapshot or test body that is not exactly one SELECT statement, before
 * anything runs: materializations wrap the body (`create table ... as (<body>)`), so a body such as
 * `select 1) ; drop table x; create table y as (select 1` would otherwise run three statements.
 * @throws CompilationError naming the node, its file and its compiled file; DatabaseError with the
 *   parser's message and line when the body does not parse
 */
export async function assertSingleSelect(node: ManifestNode, compiled: CompiledNode, connection: Connection): Promise<void> {
  try {
    await connection.assertSingleSelect(compiled.sql);
  } catch (error) {
    if (!(error instanceof NotASingleSelectError)) throw error;
    const where = `${compiled.path}${error.line ? `:${error.line}` : ''}`;
    if (error.syntax) throw new DatabaseError(`Database error in ${node.resourceType} ${node.name} (compiled SQL: ${where}): ${error.reason}`, { location: { file: node.originalFilePath } });
    throw new CompilationError(`${node.resourceType} ${node.name} must compile to exactly one SELECT statement, but ${error.reason} (compiled SQL: ${where})`, {
      location: { file: node.originalFilePath },
      hint: 'a model or test body is one query; its materialization creates the relation',
    });
  }
}

/** Formats a user error raised for one node as a single message line. */
export function errorMessage(error: DopsError): string {
  const where = error.location && !error.message.includes(error.location.file) ? `${formatLocation(error.location)}: ` : '';
  return `${where}${error.message}${error.hint ? ` (${error.hint})` : ''}`;
}

/**
 * For a model whose contract is enforced: checks its compiled SQL against the contract (nothing
 * runs; a mismatch throws dbt's table of columns) and returns what planning its table needs.
 * @returns undefined when the contract is not enforced
 */
export async function enforceContract(model: ModelNode, sql: string, connection: Connection, compiler: Compiler): Promise<ContractContext | undefined> {
  if (!contractConfig(model.config).enforced) return undefined;
  try {
    await assertContract(model, sql, connection);
  } catch (error) {
    if (error instanceof DopsError) throw error;
    throw databaseError(model, compiler.compiledPath(model), error, 1, connection);
  }
  const resolve = foreignKeyResolver(model, (target) => ('ref' in target ? compiler.manifest.resolveRef(target.ref, model) : compiler.manifest.resolveSource(target.source, model)).relation);
  return { capabilities: connection.capabilities, resolve };
}

async function runModel(model: ModelNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler): Promise<Outcome> {
  const compiled = await compiler.compileLive(model, connection);
  const existing = catalog.kindOf(model.relation);
  await assertSingleSelect(model, compiled, connection);
  const contract = await enforceContract(model, compiled.sql, connection, compiler);
  try {
    const rows = await withNodeHooks(model, connection, compiler, true, (pre, post) => runPlan(connection, spliceHooks(planModel(model, compiled.sql, existing, connection.dialect, contract), pre, post)));
    const verb = model.config.materialized === 'view' ? 'view' : 'table';
    catalog.record(model.relation, verb);
    return { status: 'success', message: `created ${verb}`, rowsAffected: rows, relationName: relationName(model.relation), compiledPath: compiled.path };
  } catch (error) {
    if (error instanceof DopsError) throw error;
    throw databaseError(model, compiled.path, error, 1, connection);
  }
}

/** Runs work that builds a node, turning DuckDB's errors into a DatabaseError naming the node and its compiled file. */
async function withDatabaseErrors<T>(node: SqlNode, compiler: Compiler, connection: Connection, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DopsError) throw error;
    throw databaseError(node, compiler.compiledPath(node), error, 1, connection);
  }
}

/**
 * Loads a seed. Its CSV's structure is checked first (see {@link checkSeedCsv}): a bad file fails
 * the seed with the check's error before anything runs, so the previous table stays. The records
 * the check parsed give the columns' types (see planSeed).
 */
async function runSeed(seed: SeedNode, connection: Connection, catalog: RelationCatalog, projectDir: string, compiler: Compiler): Promise<Outcome> {
  const delimiter = seed.config.delimiter === undefined ? undefined : String(seed.config.delimiter);
  const existing = catalog.kindOf(seed.relation);
  try {
    // Absolute: DuckDB tries a relative path against the process's cwd before file_search_path.
    const csvPath = join(projectDir, seed.originalFilePath);
    const { dialect } = connection;
    const typed = () => seedTable(checkSeedCsv(projectDir, seed.originalFilePath, delimiter), seed.config.column_types, dialect);
    // An engine that reads the file needs only the columns' types, kept between runs by the compiler.
    const data = dialect.seedSelect ? { columns: compiler.seedColumns(seed, dialect.type, () => typed().columns), rows: [] } : typed();
    const rows = await withNodeHooks(seed, connection, compiler, true, async (pre, post) => {
      const plan = planSeed(seed.relation, csvPath, data, existing, delimiter, dialect, seed.config.quote_columns === undefined ? undefined : seed.config.quote_columns === true || seed.config.quote_columns === 'true');
      return (await runPlan(connection, spliceHooks(plan, pre, post))) ?? plan.knownRowCount;
    });
    catalog.record(seed.relation, 'table');
    return { status: 'success', message: 'loaded seed', rowsAffected: rows, relationName: relationName(seed.relation) };
  } catch (error) {
    if (error instanceof DopsError) throw error;
    if (error instanceof UnloadableSeedValue) {
      const line = seedRecordLine(readFileSync(join(projectDir, seed.originalFilePath), 'utf8'), error.row);
      throw new DatabaseError(`Cannot load seed ${seed.name} from ${seed.originalFilePath}${line === undefined ? '' : `:${line}`}: ${error.message}`, {
        location: { file: seed.originalFilePath, line },
        hint: `write it as ${error.number}, or set column_types: {${error.column}: varchar}`,
      });
    }
    const { text } = connection.describeError(error);
    throw new DatabaseError(`Cannot load seed ${seed.name} from ${seed.originalFilePath}: ${text}${csvErrorReason(error)}`, { location: { file: seed.originalFilePath } });
  }
}

/**
 * Executes one node: compiles it, plans its materialization and runs the plan on `connection`.
 * Never throws for the node's own failure: user errors and DuckDB errors become an `error` outcome
 * whose message names the node, the compiled file and DuckDB's message.
 * @param catalog the run's relation catalog: read for the relation's current kind, updated once
 *   the node's build committed
 * @param settings `--full-refresh`, the lake path and the snapshot time (incremental, external and snapshot nodes)
 */
export async function executeNode(node: ManifestNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, projectDir: string, settings: RunSettings = {}): Promise<Outcome> {
  const outcome = await buildNode(node, connection, catalog, compiler, projectDir, settings);
  if (outcome.status !== 'success' || (node.config as Record<string, unknown>).persist_docs === undefined) return outcome;
  try {
    await persistDocs(node, connection);
    return outcome;
  } catch (error) {
    if (error instanceof DopsError) return { ...outcome, status: 'error', message: errorMessage(error) };
    throw error;
  }
}

/** What a model's materialization gets to build it: the run's connection, catalog, compiler and settings. */
export interface ModelBuildContext {
  connection: Connection;
  catalog: RelationCatalog;
  compiler: Compiler;
  projectDir: string;
  settings: RunSettings;
}

/**
 * Builds one model of a materialization kind (its hooks and errors included); never called for
 * inlined kinds. Returns the node's outcome; throws DopsError for the node's own failure.
 */
export type ModelBuilder = (model: ModelNode, context: ModelBuildContext) => Promise<Outcome>;

/** Builds a model whose plan comes from its compiled SQL alone (view, table), hooks spliced into the plan's transaction. */
const planned: ModelBuilder = (model, { connection, catalog, compiler }) => runModel(model, connection, catalog, compiler);

/** Builds a model whose materialization reads the relation's state while it runs (incremental, external); hooks run outside its transactions. */
const stateful: ModelBuilder = (model, { connection, catalog, compiler, projectDir, settings }) =>
  withDatabaseErrors(model, compiler, connection, () => withNodeHooks(model, connection, compiler, false, () => runStatefulModel(model, connection, catalog, compiler, projectDir, settings)));

/**
 * How the runner builds each model materialization, by `materialized` value. The kinds themselves
 * (names, parse-time checks, inlining) are declared in materializations/registry.ts; a custom
 * materialization registers its kind there and its builder here ({@link registerModelBuilder}),
 * without changes to the runner.
 */
const MODEL_BUILDERS = new Map<string, ModelBuilder>([
  ['view', planned],
  ['table', planned],
  ['incremental', stateful],
  ['external', stateful],
]);

/** Registers (or replaces) how models of materialization `name` are built. */
export function registerModelBuilder(name: string, builder: ModelBuilder): void {
  MODEL_BUILDERS.set(name, builder);
}

async function buildNode(node: ManifestNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, projectDir: string, settings: RunSettings): Promise<Outcome> {
  try {
    if (node.resourceType === 'model') {
      // An unknown kind reaches here only when parse-time validation was bypassed: runModel's planModel names it.
      const builder = MODEL_BUILDERS.get(node.config.materialized) ?? planned;
      return await builder(node, { connection, catalog, compiler, projectDir, settings });
    }
    if (node.resourceType === 'snapshot') return await withDatabaseErrors(node, compiler, connection, () => withNodeHooks(node, connection, compiler, false, () => runSnapshotNode(node, connection, catalog, compiler, settings)));
    if (node.resourceType === 'seed') return await runSeed(node, connection, catalog, projectDir, compiler);
    if (node.resourceType === 'test') return await runTest(node, connection, catalog, compiler);
    return { status: 'success', message: 'source' };
  } catch (error) {
    if (error instanceof DopsError) return { status: 'error', message: errorMessage(error), compiledPath: undefined };
    throw error;
  }
}
