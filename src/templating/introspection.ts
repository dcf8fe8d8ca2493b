import { CompilationError } from '../errors.js';
import type { QueryData } from './agate.js';

/**
 * Thrown when a render asks the database something (`run_query`, `statement`, `adapter.get_relation`,
 * ...) whose answer it does not have yet. At run time the compiler catches it, runs the query and
 * renders again (see {@link DatabaseReplay}); without a database (`dops compile`) it reaches the
 * user as this message.
 */
export class NeedsDatabase extends CompilationError {
  constructor(readonly sql: string) {
    super(`This template queries the database at compile time (run_query, statement or adapter introspection), which needs a build: ${sql.trim().split('\n')[0].slice(0, 120)}`, {
      hint: 'Run it with dops build or dops run, or guard the query with {% if execute %}.',
    });
  }
}

/**
 * How a synchronous nunjucks render gets answers from DuckDB, whose API is asynchronous: by replay.
 * A render runs until it asks a query it has no answer for, which throws {@link NeedsDatabase};
 * the compiler then runs that query on the node's connection, records its answer and renders the
 * template again from the start. Each pass answers the queries already run from the record (in
 * order, checked by SQL text), so every statement runs once, and a template with n queries renders
 * n + 1 times. Renders are deterministic given their answers (the same vars, `invocation_id`,
 * `run_started_at`), and output a render makes (`log`, `print`, warnings) is kept only from the
 * last, complete pass.
 *
 * Chosen over a worker thread with `Atomics.wait` (the DuckDB instance, and `:memory:` databases,
 * cannot be shared with another thread) and over nunjucks' async mode (it makes filters async, not
 * function calls inside expressions such as `{% set rows = run_query(...) %}`).
 */
export class DatabaseReplay {
  private readonly answers: { sql: string; data: QueryData }[] = [];
  private position = 0;
  /** Queries asked over all passes: more than this many means a template keeps changing its queries. */
  static readonly MAX_QUERIES = 1000;

  /** Starts a render pass: answers are given again from the first. */
  startPass(): void {
    this.position = 0;
  }

  /** How many queries have been run for this render. */
  get queries(): number {
    return this.answers.length;
  }

  /**
   * The answer to the next query of this pass.
   * @throws NeedsDatabase when the query has not been run yet (or differs from the one recorded
   *   at this position, whose later answers are then dropped)
   */
  query(sql: string): QueryData {
    const index = this.position++;
    const known = this.answers[index];
    if (known && known.sql === sql) return known.data;
    this.answers.length = index;
    throw new NeedsDatabase(sql);
  }

  /** Records the answer to the query the last pass stopped at. */
  record(sql: string, data: QueryData): void {
    if (this.answers.length >= DatabaseReplay.MAX_QUERIES) throw new CompilationError(`A template ran more than ${DatabaseReplay.MAX_QUERIES} queries while compiling`);
    this.answers.push({ sql, data });
  }
}
