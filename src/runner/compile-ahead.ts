import type { Connection, Row, StatementResult } from '../adapter/adapter.js';
import { ForwardingConnection } from '../adapter/forwarding-connection.js';
import type { Compiler } from '../compiler/compiler.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { compilesAtRunTime } from '../materializations/registry.js';

/**
 * Statements the database answers in microseconds (opening a transaction, creating a schema that
 * exists): a compile started while one runs cannot overlap it, it only delays the next statement,
 * so none is started then. On a 1,000-model build these were most of the compiles run ahead.
 */
const BRIEF_STATEMENT = /^\s*(begin|start\s+transaction|create\s+schema)\b/i;

/**
 * Compiles nodes that are ready to run while the database is busy with an earlier statement, so
 * rendering them (and writing `target/compiled/`) overlaps DuckDB's work instead of adding to it.
 * DuckDB runs a statement off the JS thread; the JS thread would otherwise just wait for it.
 *
 * Compiling ahead only fills the compiler's cache: the node's own run compiles it again (a cache
 * hit) and reports any compile error then, exactly as without it. Nodes whose compiled SQL
 * depends on their relation's state (`incremental`, `external`) are left to their run.
 */
export class CompileAhead {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly started = new Set<string>();

  /**
   * @param active false once the run stops starting nodes (`--fail-fast`, an abort): nothing more is compiled ahead
   * @param prepare more work on a node compiled ahead, given its compiled SQL (the build records' fingerprint)
   */
  constructor(private readonly compiler: Compiler, private readonly manifest: Manifest, private readonly active: () => boolean, private readonly prepare?: (node: ManifestNode, sql: string) => void) {}

  /** Queues a node that is ready to run (in the order they become ready). */
  ready(uniqueId: string): void {
    const node = this.manifest.get(uniqueId);
    if (node.resourceType === 'test' || node.resourceType === 'snapshot') this.queue.push(uniqueId);
    else if (node.resourceType === 'model' && !compilesAtRunTime(node)) this.queue.push(uniqueId);
  }

  /** Marks a node as started: its run compiles it, so it is not compiled ahead. */
  starting(uniqueId: string): void {
    this.started.add(uniqueId);
  }

  /**
   * Compiles the next queued node that has not started (at most one, ~0.1 ms), then hands it to
   * `prepare`. A compile error is ignored here: the node's run compiles it again and turns the error into its result.
   */
  step(): void {
    while (this.head < this.queue.length && this.active()) {
      const id = this.queue[this.head++];
      if (this.started.has(id)) continue;
      const node = this.manifest.get(id);
      try {
        if (node.resourceType !== 'seed' && node.resourceType !== 'source' && node.resourceType !== 'unit_test') this.prepare?.(node, this.compiler.compile(node).sql);
      } catch {
        // reported by the node's own run
      }
      return;
    }
  }

  /**
   * The connection with {@link step} run right after each statement is handed to DuckDB, while it
   * executes (except after a brief one, see {@link BRIEF_STATEMENT}). Everything else passes
   * through unchanged.
   */
  overlapping(connection: Connection): Connection {
    return new OverlappingConnection(connection, () => this.step());
  }
}

/** A connection that calls `step` right after handing each statement (except a brief one) to the engine. */
class OverlappingConnection extends ForwardingConnection {
  constructor(
    inner: Connection,
    private readonly step: () => void,
  ) {
    super(inner);
  }

  override execute(sql: string): Promise<number | undefined> {
    const pending = this.inner.execute(sql);
    if (!BRIEF_STATEMENT.test(sql)) this.step();
    return pending;
  }

  override run(sql: string): Promise<StatementResult> {
    const pending = this.inner.run(sql);
    if (!BRIEF_STATEMENT.test(sql)) this.step();
    return pending;
  }

  override query(sql: string): Promise<Row[]> {
    const pending = this.inner.query(sql);
    this.step();
    return pending;
  }
}
