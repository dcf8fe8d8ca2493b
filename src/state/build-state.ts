import * as crypto from 'node:crypto';
import { createHash, randomUUID } from 'node:crypto';
import type { Connection, Row, StatementResult } from '../adapter/adapter.js';
import { ForwardingConnection } from '../adapter/forwarding-connection.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Compiler } from '../compiler/compiler.js';
import type { Manifest } from '../manifest/manifest.js';
import { isSqlNode, relationName, type ManifestNode, type Relation, type SeedNode, type SqlNode, type UnitTestNode } from '../manifest/nodes.js';
import type { RelationCatalog } from '../runner/catalog.js';
import type { Outcome } from '../runner/execute-node.js';
import { DOPS_VERSION } from '../version.js';
import { SEED_TYPE_RULES } from '../materializations/seed-rules.js';
import { reusedResult } from './build-stamp.js';
import { filesVersion } from './data-version.js';

export { filesVersion };

/**
 * State-aware builds: a node whose inputs are unchanged since its last successful build is not
 * built again; its relation is reused. The decision for every node is taken here, from one
 * record per node kept in the target's database (table `<target schema>.dops_build_state`), so it
 * travels with the data (dbt Fusion's "state-aware orchestration",
 * docs.getdbt.com/docs/deploy/state-aware-about, reached differently: no scheduler, one record).
 *
 * A node is reused when all of these hold:
 * - its fingerprint is the recorded one: compiled SQL (or a seed's file checksum and dops' seed
 *   type rules), config, the checksums of the macros it calls, the dops version and the adapter type;
 * - the data version of each input is the recorded one: upstream models, seeds and snapshots by
 *   the id of the build that produced them, file sources (`external_location`, and file paths
 *   quoted in the compiled SQL such as `read_parquet('data/*.parquet')`) by the size and mtime of
 *   each file the location matches, table sources by `max(loaded_at_field)` (without one a table
 *   source counts as changed on every run);
 * - its relation still exists (dropped by hand: rebuilt);
 * - tests: they passed (or warned: reported again with the recorded count) last time; tests
 *   storing failures always run; external models only while their view can read their files.
 *
 * The table is append-only while a run builds: each built node adds one row (one INSERT inside the
 * node's own transaction, so the record and the relation change commit together), numbered by a
 * sequence that only grows (`seq`: the largest recorded one + 1, then + 1 per row; not the clock,
 * which can step back). A node's record is its row with the largest `seq`; a row whose fingerprint
 * is null (a tombstone) means "no record". Superseded rows and tombstones are deleted once per run,
 * after its nodes, in one statement outside any node's transaction. A table of the first layout
 * (one row per node, no `seq`) gets the column with 0 in every row, so its records still count.
 */

/** Name of the dops-owned table holding the nodes' build records, in the target's schema. */
export const STATE_TABLE = 'dops_build_state';

/**
 * Name of the sequence numbering the record rows (`seq`) on engines that several dops processes
 * can write at once (PostgreSQL), in the target's schema next to {@link STATE_TABLE}.
 */
export const STATE_SEQUENCE = 'dops_build_state_seq';

/**
 * Engines whose target several processes can build at once (PostgreSQL; a DuckDB file has one
 * writing process). There `seq` comes from a database sequence, taken by each INSERT inside the
 * node's transaction, so two runs never number rows alike: one run's `largest + 1` counter would
 * interleave with another's, and a later build of a node could get a smaller `seq` than an earlier
 * one and lose to it. Two transactions building the same node also replace the same relation,
 * whose lock makes the second wait until the first commits before it inserts, so that node's rows
 * are numbered in commit order.
 */
const SHARED_ENGINES: ReadonlySet<string> = new Set(['postgres']);

/** How a run uses the records. */
export type ReuseMode =
  /** reuse unchanged nodes; record every successful build */
  | 'reuse'
  /** build everything (`--no-reuse`, `--full-refresh`, `dops test`) but record it, so later runs can reuse */
  | 'record'
  /** build everything and forget the built nodes' records (`--empty`, `--defer`: relations that do not reflect this target's inputs) */
  | 'forget';

/** One node's record, as stored. */
export interface BuildRecord {
  fingerprint: string;
  inputs: string;
  buildId: string;
  status: string;
}

/** A node's outcome, possibly reused. */
export type ReuseOutcome = Outcome & { reused?: boolean };

/** JSON with object keys sorted, so equal values always give equal text. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return v;
  });
}

/** Node's one-shot `crypto.hash` (Node >= 20.12; a third of createHash's cost), else createHash: the same digest. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

function sha(text: string): string {
  return oneShot ? oneShot('sha256', text) : createHash('sha256').update(text).digest('hex');
}

/** SQL string literal. */
function literal(text: string | undefined): string {
  if (text === undefined) return 'null';
  return `'${text.includes("'") ? text.replace(/'/g, "''") : text}'`;
}

/** A model's or test's key parts worked out ahead of its run (see {@link BuildState.prepare}). */
interface Prepared {
  /** The compiled SQL they are for: the run uses them only when it compiles to the same SQL. */
  sql: string;
  fingerprint: string;
  /** File paths quoted in the SQL (see {@link FILE_LITERAL}), in order. */
  files: string[];
  /** The compiler's {@link Compiler.reproducible} for the node, when known. */
  reproducible?: boolean;
  /** The inputs' version lines then (see {@link BuildState.nodeVersions}) and their hash. */
  inputs?: { versions: string; hash: string };
}

/** The rows of the record table, reduced to each node's latest record. */
interface StoredRecords {
  /** Each node's record: its row with the largest seq, unless that row is a tombstone. */
  records: Map<string, BuildRecord>;
  /** Nodes with any row. */
  stored: Set<string>;
  /** The largest seq (0 for an empty table). */
  lastSeq: number;
  /** True when some row is superseded by a later one of its node, or is a tombstone. */
  superseded: boolean;
}

/**
 * Each node's latest record from the record table's rows (`select *`, either layout: a missing
 * `seq` counts as 0).
 * @param columns the table's column names; rows its rows, values in column order
 */
export function latestRecords(columns: string[], rows: unknown[][]): StoredRecords {
  const at = (name: string) => columns.indexOf(name);
  const [seqAt, idAt, fingerprintAt, inputsAt, buildAt, statusAt] = ['seq', 'unique_id', 'fingerprint', 'inputs', 'build_id', 'status'].map(at);
  const seqOf = (row: unknown[]) => (seqAt < 0 || row[seqAt] === null ? 0 : Number(row[seqAt]));
  // Each row's seq read once (not twice per comparison); a stable sort keeps equal seqs in table order.
  const sorted = rows.map((row) => ({ row, seq: seqOf(row) })).sort((a, b) => a.seq - b.seq).map(({ row }) => row);
  const records = new Map<string, BuildRecord>();
  const stored = new Set<string>();
  let superseded = false;
  for (const row of sorted) {
    const id = String(row[idAt]);
    if (stored.has(id)) superseded = true;
    stored.add(id);
    if (row[fingerprintAt] === null || row[fingerprintAt] === undefined) {
      superseded = true;
      records.delete(id);
    } else {
      records.set(id, { fingerprint: String(row[fingerprintAt]), inputs: String(row[inputsAt]), buildId: String(row[buildAt]), status: String(row[statusAt]) });
    }
  }
  return { records, stored, lastSeq: sorted.length ? Math.max(0, seqOf(sorted[sorted.length - 1])) : 0, superseded };
}

/** Quoted file paths in SQL that name data files (`'data/*.csv'`, `read_parquet('x.parquet')`). */
const FILE_LITERAL = /'([^'\n]+\.(?:csv|tsv|txt|parquet|json|jsonl|ndjson)(?:\.gz|\.zst)?)'/gi;

/**
 * A seed's fingerprint in its build record: the dops version, the adapter type, its config,
 * relation and file checksum, and dops' seed type rules (a seed's types come from those rules as
 * well as from its file and config, so under new rules it is loaded again, not reused).
 * @param typeRules the rules' version (default: this dops' {@link SEED_TYPE_RULES})
 * @returns a hex SHA-256
 */
export function seedFingerprint(node: SeedNode, adapterType: string, typeRules = SEED_TYPE_RULES): string {
  const base = { dops: DOPS_VERSION, adapter: adapterType, type: node.resourceType, config: node.config, relation: node.relation };
  return sha(stableJson({ ...base, checksum: node.checksum, typeRules }));
}

/**
 * The run's view of the build records: which nodes to reuse, and writing a record (in the node's
 * own transaction where it has one) for each node built.
 */
export class BuildState {
  /** Build id of each node as the run goes: recorded ones, replaced as nodes build. */
  private readonly current = new Map<string, string>();
  /** Nodes the next identical run could not reuse (see {@link stable}). */
  private readonly unstable = new Set<string>();
  /** File locations read by the run's nodes (see {@link dataLocations}). */
  private readonly locations = new Set<string>();
  /** True once a node read a table source (see {@link stable}). */
  private tableSources = false;
  private readonly table: string;
  /** Records of the run's tests, written together by {@link flush} (one commit, not two per test). */
  private readonly pending: { uniqueId: string; record: BuildRecord | undefined }[] = [];
  /** The `seq` of the last row written (or read); not used where {@link sequence} numbers the rows. */
  private seq: number;
  /** The SQL that numbers a row from the database sequence (see {@link SHARED_ENGINES}), or undefined: numbered by {@link seq}. */
  private readonly sequence: string | undefined;
  /** True once the table holds a row that a later row of the same node supersedes, or a tombstone. */
  private superseded: boolean;
  /** Nodes with a row in the table (a record or a tombstone). */
  private readonly stored: Set<string>;
  /** Keys worked out ahead of a node's run (see {@link prepare}), with the compiled SQL each covers. */
  private readonly prepared = new Map<string, Prepared>();
  /** Each node's inputs through ephemeral models (see {@link inputsOf}): fixed for the run. */
  private readonly inputLists = new Map<string, string[]>();

  private constructor(
    private readonly manifest: Manifest,
    private readonly mode: ReuseMode,
    schema: string,
    private readonly records: Map<string, BuildRecord>,
    private readonly projectDir: string,
    private readonly adapterType: string,
    table: StoredRecords,
    shared: boolean,
  ) {
    this.table = renderRelation({ schema, identifier: STATE_TABLE });
    this.sequence = shared ? `nextval(${literal(renderRelation({ schema, identifier: STATE_SEQUENCE }))})` : undefined;
    for (const [id, record] of records) this.current.set(id, record.buildId);
    this.seq = table.lastSeq;
    this.superseded = table.superseded;
    this.stored = table.stored;
  }

  /**
   * Creates the record table when missing (or adds `seq` to a table of the first layout) and reads
   * every row (two statements; three for the migration). On engines several processes write
   * (see {@link SHARED_ENGINES}) also creates the sequence numbering the rows, moved past the
   * table's largest `seq` when rows were numbered without it (two statements more).
   * @param schema the target's schema, which holds the table
   * @throws Error with the engine's message when the table cannot be created or read
   */
  static async open(manifest: Manifest, connection: Connection, schema: string, mode: ReuseMode, projectDir: string): Promise<BuildState> {
    const table = renderRelation({ schema, identifier: STATE_TABLE });
    await connection.execute(`create schema if not exists ${quoteIdentifier(schema)}`);
    await connection.execute(`create table if not exists ${table} (seq bigint, unique_id varchar, fingerprint varchar, inputs varchar, build_id varchar, status varchar)`);
    const data = await connection.queryTable(`select * from ${table}`);
    // The first layout (one row per node, no seq): every row gets seq 0, below any new row's.
    if (!data.columnNames.includes('seq')) await connection.execute(`alter table ${table} add column seq bigint default 0`);
    const stored = latestRecords(data.columnNames, data.rows);
    const shared = SHARED_ENGINES.has(connection.dialect.type);
    if (shared) {
      const sequence = renderRelation({ schema, identifier: STATE_SEQUENCE });
      // Two runs creating it at once: PostgreSQL's IF NOT EXISTS can still fail the second; then it exists.
      const create = `create sequence if not exists ${sequence}`;
      await connection.execute(create).catch(() => connection.execute(create));
      // Never moved back: only when the table holds a larger seq than the sequence gave (rows numbered before it existed).
      await connection.query(`select setval(${literal(sequence)}, m) from (select coalesce(max(seq), 0) as m from ${table}) as t, ${sequence} as s where t.m > s.last_value or (t.m = s.last_value and not s.is_called and t.m > 0)`);
    }
    return new BuildState(manifest, mode, schema, stored.records, projectDir, connection.dialect.type, stored, shared);
  }

  /**
   * Runs one node through the records: returns a reused outcome without running it when nothing
   * it depends on changed, else runs `build` with a connection that writes the node's record right
   * before the build's `commit` (so the record and the relation change together), and records the
   * new build id. A failed build writes no record (and removes one its own transaction wrote).
   * @param build runs the node on the connection given (the runner's executeNode)
   */
  async execute(node: ManifestNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, build: (connection: Connection) => Promise<Outcome>): Promise<ReuseOutcome> {
    if (node.resourceType === 'source') return build(connection);
    let key: { fingerprint: string; inputs: string | undefined } | undefined = this.preparedKey(node, compiler);
    if (!key) {
      try {
        key = await this.keyOf(node, connection, compiler);
      } catch {
        key = undefined; // a compile error: the build reports it
      }
    }
    // The next identical run reuses this node only with a known key and reproducible SQL.
    if (!key || key.inputs === undefined || (isSqlNode(node) && !(this.prepared.get(node.uniqueId)?.reproducible ?? compiler.reproducible(node)))) this.unstable.add(node.uniqueId);
    const record = this.records.get(node.uniqueId);
    if (key && key.inputs !== undefined && this.mode === 'reuse' && record && record.fingerprint === key.fingerprint && record.inputs === key.inputs && (await this.reusable(node, record, catalog, connection))) {
      this.current.set(node.uniqueId, record.buildId);
      return this.reusedOutcome(node, record, compiler);
    }
    const buildId = randomUUID();
    const recordOf = (status: string): BuildRecord | undefined => (key && key.inputs !== undefined && this.mode !== 'forget' ? { fingerprint: key.fingerprint, inputs: key.inputs, buildId, status } : undefined);
    const writes = (status: string) => this.recordStatements(node.uniqueId, recordOf(status));
    let written = false;
    const isTest = node.resourceType === 'test' || node.resourceType === 'unit_test';
    const recording = isTest ? connection : new StatementsBeforeCommit(connection, () => {
      if (written) return [];
      written = true;
      return writes('success');
    });
    const outcome = await build(recording);
    const ok = outcome.status === 'success' || outcome.status === 'pass' || outcome.status === 'warn';
    if (ok || isTest) {
      const status = outcome.status === 'warn' ? `warn ${outcome.failures ?? 0}` : outcome.status;
      // A test changes no relation: its record waits for the run's end (lost in a crash, the test just runs again).
      if (isTest) this.pending.push({ uniqueId: node.uniqueId, record: recordOf(status) });
      else if (!written) for (const sql of writes(status)) await connection.execute(sql);
      if (ok) this.current.set(node.uniqueId, buildId);
      else this.current.delete(node.uniqueId);
    } else if (written && !connection.lost) {
      // The record committed with the build, yet the node failed after (a post-hook, persist_docs): a tombstone.
      await connection.execute(this.insertStatement([[node.uniqueId, undefined]])).catch(() => undefined);
    }
    return outcome;
  }

  private async reusable(node: ManifestNode, record: BuildRecord, catalog: RelationCatalog, connection: Connection): Promise<boolean> {
    if (node.resourceType === 'unit_test') return record.status === 'pass';
    if (node.resourceType === 'test') return /^(pass|warn)\b/.test(record.status) && !(node.config as Record<string, unknown>).store_failures;
    if (!('relation' in node) || catalog.kindOf(node.relation) === undefined) return false;
    if (node.resourceType === 'model' && node.config.materialized === 'external') {
      // The view reads the model's files: reused only while they are still readable.
      return connection.query(`select * from ${renderRelation(node.relation)} limit 0`).then(() => true, () => false);
    }
    return true;
  }

  private reusedOutcome(node: ManifestNode, record: BuildRecord, compiler: Compiler): ReuseOutcome {
    if (node.resourceType === 'unit_test') return reusedResult({ status: 'pass' });
    if (node.resourceType === 'test') {
      // A test's record keeps its status and failing-row count (`warn 3`), reported again.
      const [status, failures] = record.status.split(' ');
      return reusedResult({ status: status === 'warn' ? 'warn' : 'pass', failures: Number(failures ?? 0), compiledPath: compiler.compiledPath(node) });
    }
    return reusedResult({
      status: 'success',
      relationName: 'relation' in node ? relationName(node.relation) : undefined,
      compiledPath: node.resourceType === 'seed' ? undefined : compiler.compiledPath(node),
    });
  }

  /**
   * True when every node this run executed would be reused by the next run with the same
   * options if nothing changes: each had a known key (no table source without a recorded
   * version, no compile error), reproducible SQL and no table source input (those need the
   * database to check), and the run reused or recorded them (not `--empty` / `--defer`).
   */
  get stable(): boolean {
    return this.mode === 'reuse' && this.unstable.size === 0 && !this.tableSources;
  }

  /** File locations whose versions the run's nodes were keyed on (for build_stamp.json). */
  get dataLocations(): string[] {
    return [...this.locations].sort();
  }

  /**
   * Writes the records of the tests run so far (one insert per 500 tests), then deletes the rows
   * that later rows supersede, and tombstones, in one statement (when there are any). Outside any
   * node's transaction: run once, after the run's nodes.
   * @throws Error with the engine's message when the tests' records cannot be written (a failed
   *   clean-up is ignored: the rows it would delete are superseded, and the next run deletes them)
   */
  async flush(connection: Connection): Promise<void> {
    while (this.pending.length) {
      const chunk = this.pending.splice(0, 500);
      await connection.execute(this.insertStatement(chunk.map(({ uniqueId, record }) => [uniqueId, record])));
    }
    if (!this.superseded) return;
    const t = this.table;
    await connection
      .execute(`delete from ${t} where fingerprint is null or exists (select 1 from ${t} as newer where newer.unique_id = ${t}.unique_id and newer.seq > ${t}.seq)`)
      .then(() => (this.superseded = false), () => undefined);
  }

  /** The statements that record a node's build (or, with no record, forget it): one insert. */
  private recordStatements(uniqueId: string, record: BuildRecord | undefined): string[] {
    return [this.insertStatement([[uniqueId, record]])];
  }

  /** One INSERT of a row per entry, each with the next `seq`; no record gives a tombstone (null fingerprint). */
  private insertStatement(entries: [string, BuildRecord | undefined][]): string {
    const rows = entries.map(([uniqueId, record]) => {
      if (this.stored.has(uniqueId) || !record) this.superseded = true;
      this.stored.add(uniqueId);
      const values = record ? `${literal(record.fingerprint)}, ${literal(record.inputs)}, ${literal(record.buildId)}, ${literal(record.status)}` : 'null, null, null, null';
      return `(${this.sequence ?? ++this.seq}, ${literal(uniqueId)}, ${values})`;
    });
    return `insert into ${this.table} (seq, unique_id, fingerprint, inputs, build_id, status) values ${rows.join(', ')}`;
  }

  /**
   * Works out a model's or test's key before it runs, while the database is busy with an earlier
   * node (see runner/compile-ahead.ts): its fingerprint, the file paths its SQL quotes and, when
   * its inputs are all built nodes, the hash of their versions as they are now. Its run uses them
   * only when it compiles to the same `sql` (and the versions are still those hashed); an
   * incremental model (fingerprinted by its incremental SQL) and other kinds are left to their run.
   * @param sql the node's compiled SQL (not incremental)
   * @param compiler tells whether the node's SQL is reproducible (else its run asks it)
   */
  prepare(node: ManifestNode, sql: string, compiler?: Compiler): void {
    if ((node.resourceType !== 'model' && node.resourceType !== 'test') || (node.resourceType === 'model' && node.config.materialized === 'incremental')) return;
    const files = Array.from(sql.matchAll(FILE_LITERAL), (match) => match[1]);
    const entry: Prepared = { sql, fingerprint: this.fingerprint(node, sql), files, reproducible: compiler?.reproducible(node) };
    // Hashed now for the versions the inputs have now; the run uses it only if they are unchanged.
    const versions = files.length ? undefined : this.nodeVersions(this.inputsOf(node));
    if (versions !== undefined) entry.inputs = { versions, hash: sha(versions) };
    this.prepared.set(node.uniqueId, entry);
  }

  /**
   * The data versions of inputs that are all models, seeds or snapshots, one `id=build:<id>` line
   * each (what {@link keyOf} hashes); undefined when one is a source or has no build id yet.
   */
  private nodeVersions(ids: string[]): string | undefined {
    let text = '';
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index];
      const node = this.manifest.nodes.get(id);
      const build = node && node.resourceType !== 'source' ? this.current.get(id) : undefined;
      if (build === undefined) return undefined;
      text += `${index ? '\n' : ''}${id}=build:${build}`;
    }
    return text;
  }

  /** A model's, test's or snapshot's fingerprint from its compiled SQL: that SQL, config, relation, the checksums of the macros it calls, dops version and adapter type. */
  private fingerprint(node: SqlNode, sql: string): string {
    const base = { dops: DOPS_VERSION, adapter: this.adapterType, type: node.resourceType, config: node.config, relation: 'relation' in node ? node.relation : undefined };
    const macros = (node.dependsOn.macros ?? []).map((id) => [id, this.manifest.macros.get(id)?.checksum ?? null]);
    return sha(stableJson({ ...base, sql, macros }));
  }

  /**
   * {@link keyOf} without waiting, for a node prepared ahead (see {@link prepare}) whose compiled
   * SQL (the compiler's cached one) and inputs' versions are still those prepared: the same key.
   * @returns undefined otherwise (then keyOf works it out)
   */
  private preparedKey(node: ManifestNode, compiler: Compiler): { fingerprint: string; inputs: string } | undefined {
    const prepared = this.prepared.get(node.uniqueId);
    if (!prepared?.inputs || !isSqlNode(node)) return undefined;
    let sql: string;
    try {
      sql = compiler.compile(node).sql;
    } catch {
      return undefined;
    }
    if (sql !== prepared.sql || prepared.inputs.versions !== this.nodeVersions(this.inputsOf(node))) return undefined;
    return { fingerprint: prepared.fingerprint, inputs: prepared.inputs.hash };
  }

  /** The node's fingerprint, and its inputs' data versions (undefined when one is unknown). */
  private async keyOf(node: ManifestNode, connection: Connection, compiler: Compiler, fingerprintOnly = false): Promise<{ fingerprint: string; inputs: string | undefined }> {
    if (node.resourceType === 'seed') return { fingerprint: seedFingerprint(node, this.adapterType), inputs: '' };
    if (node.resourceType === 'unit_test') {
      const base = { dops: DOPS_VERSION, adapter: this.adapterType, type: node.resourceType, config: node.config, relation: 'relation' in node ? node.relation : undefined };
      return this.unitTestKey(node, connection, compiler, base);
    }
    const sqlNode = node as SqlNode;
    // An incremental model is fingerprinted by its incremental SQL (is_incremental() true), so the
    // run after its first build can reuse it too.
    const state = sqlNode.resourceType === 'model' && sqlNode.config.materialized === 'incremental' ? { relationExists: true, fullRefresh: false } : undefined;
    const compiled = await compiler.compileLive(sqlNode, connection, state);
    const prepared = state ? undefined : this.prepared.get(sqlNode.uniqueId);
    const ahead = prepared?.sql === compiled.sql ? prepared : undefined;
    const fingerprint = ahead ? ahead.fingerprint : this.fingerprint(sqlNode, compiled.sql);
    if (fingerprintOnly) return { fingerprint, inputs: '' };
    const inputs = this.inputsOf(sqlNode);
    if (ahead?.inputs && ahead.inputs.versions === this.nodeVersions(inputs)) return { fingerprint, inputs: ahead.inputs.hash };
    const versions: string[] = [];
    for (const id of inputs) {
      const version = await this.versionOf(id, connection);
      if (version === undefined) return { fingerprint, inputs: undefined };
      versions.push(`${id}=${version}`);
    }
    for (const file of ahead ? ahead.files : Array.from(compiled.sql.matchAll(FILE_LITERAL), (match) => match[1])) {
      this.locations.add(file);
      const version = filesVersion(file, this.projectDir);
      if (version === undefined) return { fingerprint, inputs: undefined };
      versions.push(version);
    }
    return { fingerprint, inputs: sha(versions.join('\n')) };
  }

  /**
   * A unit test's key: its own definition (given rows, expected rows, overrides), the tested
   * model's compiled SQL, config and macros; its inputs are the code fingerprints (not the data)
   * of the nodes it gives rows for, whose relations' column types type the fixture rows. A unit
   * test reads no warehouse data, so a data-only change upstream does not run it again, and its
   * key is the same whether it runs before or after those nodes are rebuilt.
   */
  private async unitTestKey(test: UnitTestNode, connection: Connection, compiler: Compiler, base: Record<string, unknown>): Promise<{ fingerprint: string; inputs: string | undefined }> {
    const model = this.manifest.nodes.get(test.modelId ?? '') as SqlNode | undefined;
    if (!model) return { fingerprint: '', inputs: undefined };
    const compiled = await compiler.compileLive(model, connection);
    if (!compiler.reproducible(model)) this.unstable.add(test.uniqueId);
    const macros = (model.dependsOn.macros ?? []).map((id) => [id, this.manifest.macros.get(id)?.checksum ?? null]);
    const fingerprint = sha(stableJson({ ...base, given: test.given, expect: test.expect, overrides: test.overrides, model: { sql: compiled.sql, config: model.config, macros } }));
    const versions: string[] = [];
    for (const id of [...new Set(test.given.map((given) => given.nodeId).filter((id): id is string => Boolean(id) && id !== model.uniqueId))].sort()) {
      const given = this.manifest.nodes.get(id);
      if (!given) return { fingerprint, inputs: undefined };
      const code = given.resourceType === 'source' ? sha(stableJson(given)) : (await this.keyOf(given, connection, compiler, true)).fingerprint;
      versions.push(`${id}=${code}`);
    }
    return { fingerprint, inputs: sha(versions.join('\n')) };
  }

  /** A node's parents, looking through ephemeral models (their SQL is inlined into the node's). */
  private inputsOf(node: SqlNode): string[] {
    let inputs = this.inputLists.get(node.uniqueId);
    if (!inputs) this.inputLists.set(node.uniqueId, (inputs = this.throughEphemerals(node.dependsOn.nodes)));
    return inputs;
  }

  /** The nodes given, with each ephemeral model replaced by its own inputs (sorted, unique). */
  private throughEphemerals(ids: string[]): string[] {
    const found = new Set<string>();
    const visit = (id: string) => {
      const parent = this.manifest.nodes.get(id);
      if (parent?.resourceType === 'model' && parent.config.materialized === 'ephemeral') parent.dependsOn.nodes.forEach(visit);
      else found.add(id);
    };
    ids.forEach(visit);
    return [...found].sort();
  }

  private async versionOf(id: string, connection: Connection): Promise<string | undefined> {
    const node = this.manifest.nodes.get(id);
    if (!node) return undefined;
    if (node.resourceType !== 'source') {
      const build = this.current.get(id);
      return build === undefined ? undefined : `build:${build}`;
    }
    if (node.externalLocation) {
      this.locations.add(node.externalLocation);
      return filesVersion(node.externalLocation, this.projectDir);
    }
    // A table source: its version needs the database, which build_stamp.json cannot check.
    this.tableSources = true;
    if (!node.loadedAtField) return undefined;
    try {
      const rows = await connection.query(`select cast(max(${node.loadedAtField}) as varchar) as loaded from ${renderRelation(node.relation)}`);
      return `loaded:${String(rows[0]?.loaded ?? null)}`;
    } catch {
      return undefined;
    }
  }
}

/** `commit` as a statement of its own (spaces and one `;` allowed). */
const COMMIT = /^\s*commit\s*;?\s*$/i;

/** True for a `commit` statement; a statement starting with an ASCII character other than a space or `c` is rejected without the regex. */
function isCommit(sql: string): boolean {
  const first = sql.charCodeAt(0);
  if (first > 32 && first < 128 && first !== 99 && first !== 67) return false;
  return COMMIT.test(sql);
}

/**
 * The connection `build` runs on: the same connection, except that the statements `before()`
 * returns run right before the first `commit` (inside the node's transaction). Every other call
 * goes straight to `target` (no extra promise in between).
 */
class StatementsBeforeCommit extends ForwardingConnection {
  constructor(
    inner: Connection,
    private readonly before: () => string[],
  ) {
    super(inner);
  }

  override execute(sql: string): Promise<number | undefined> {
    return isCommit(sql) ? this.beforeCommit().then(() => this.inner.execute(sql)) : this.inner.execute(sql);
  }

  override run(sql: string): Promise<StatementResult> {
    return isCommit(sql) ? this.beforeCommit().then(() => this.inner.run(sql)) : this.inner.run(sql);
  }

  private async beforeCommit(): Promise<void> {
    for (const statement of this.before()) await this.inner.execute(statement);
  }
}
