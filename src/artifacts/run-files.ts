import { join, relative } from 'node:path';
import type { Connection, Row, StatementResult } from '../adapter/adapter.js';
import { ForwardingConnection } from '../adapter/forwarding-connection.js';

/** Transaction control: not part of what a node's materialization ran (dbt's run files hold none). */
const CONTROL = new Set(['begin transaction', 'begin', 'commit', 'rollback']);

/**
 * A connection that records the SQL a node sends through it (`execute`, `run` and `query`: its
 * materialization's DDL and DML, its hooks, a test's query), less transaction control, into
 * `statements`; compile-time introspection (`queryTable`) and catalog look-ups are not recorded.
 * Everything else is the wrapped connection's.
 */
export class RecordingConnection extends ForwardingConnection {
  constructor(
    inner: Connection,
    readonly statements: string[] = [],
  ) {
    super(inner);
  }

  private record(sql: string): void {
    if (!CONTROL.has(sql)) this.statements.push(sql);
  }
  override execute(sql: string): Promise<number | undefined> {
    this.record(sql);
    return this.inner.execute(sql);
  }
  override run(sql: string): Promise<StatementResult> {
    this.record(sql);
    return this.inner.run(sql);
  }
  override query(sql: string): Promise<Row[]> {
    this.record(sql);
    return this.inner.query(sql);
  }
}

/**
 * The text of a run file: the statements in the order they ran, separated by `;` and a blank line
 * (one statement: the statement itself, as dbt's run files hold the materialization's main
 * statement), with secret env var values masked as in every file under target/.
 * @param scrub the run's secret masker (see config/secrets.ts secretScrubber)
 */
export function runFileText(statements: readonly string[], scrub: (text: string) => string): string {
  return scrub(`${statements.join(';\n\n')}\n`);
}

/**
 * The run file of a node whose compiled file is `compiledPath`: `<target>/run/<package>/<path>`
 * for `<target>/compiled/<package>/<path>` (dbt's layout, docs.getdbt.com/reference/global-configs/json-artifacts).
 * dbt writes these for build, run, seed, snapshot and test; dops writes them through the compiler's
 * file writer (Compiler.writeAlongside), the one background thread that writes compiled files.
 */
export function runPath(targetPath: string, compiledPath: string): string {
  return join(targetPath, 'run', relative(join(targetPath, 'compiled'), compiledPath));
}
