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
  private passes = 0;
  /** The first query of this pass without an answer (any later one in the pass is asked again). */
  private missed: string | undefined;
  /** Queries asked over all passes: more than this many means a template keeps changing its queries. */
  static readonly MAX_QUERIES = 1000;

  /**
   * Starts a render pass: answers are given again from the first.
   * @throws CompilationError after {@link MAX_QUERIES} passes: a template whose queries never settle
   *   (its SQL changes from pass to pass) stops instead of rendering forever
   */
  startPass(): void {
    if (++this.passes > DatabaseReplay.MAX_QUERIES) {
      throw new CompilationError(`A template was rendered ${DatabaseReplay.MAX_QUERIES} times without its database queries settling (a query's text changes from one render to the next)`);
    }
    this.position = 0;
    this.missed = undefined;
  }

  /** The query this pass asked and had no answer for (undefined when every query was answered). */
  get pending(): string | undefined {
    return this.missed;
  }

  /** How many queries have been run for this render. */
  get queries(): number {
    return this.answers.length;
  }

  /**
   * The answer to the next query of this pass.
   * @throws NeedsDatabase when the query has not been run yet (or differs from the one recorded
   *   at this position, whose later answers are then dropped). Once a pass has missed, every later
   *   query of the pass throws for that first miss: a render that caught the first throw (and went
   *   on, or rendered again another way) still gets the first missing answer recorded next, so
   *   passes always make progress.
   */
  query(sql: string): QueryData {
    if (this.missed !== undefined) throw new NeedsDatabase(this.missed);
    const index = this.position++;
    const known = this.answers[index];
    if (known && known.sql === sql) return known.data;
    this.answers.length = index;
    this.missed = sql;
    throw new NeedsDatabase(sql);
  }

  /**
   * Records the answer to the query the last pass stopped at (or, before any pass, the next answer).
   * @throws CompilationError when that pass stopped at another query, or after {@link MAX_QUERIES}
   *   answers
   */
  record(sql: string, data: QueryData): void {
    if (this.missed !== undefined && this.missed !== sql) throw new CompilationError('Internal error: a database answer was recorded for another query than the one the render asked');
    if (this.answers.length >= DatabaseReplay.MAX_QUERIES) throw new CompilationError(`A template ran more than ${DatabaseReplay.MAX_QUERIES} queries while compiling`);
    this.answers.push({ sql, data });
    this.missed = undefined;
  }
}

/**
 * Renders until every query the render asks is answered: each query a pass stops at (or asked and
 * then caught) is run with `run` and the render tried again (see {@link DatabaseReplay}).
 * @param render one pass, given the replay to answer its queries from
 * @param run runs one query on the database
 * @throws what `render` or `run` throw (but NeedsDatabase); CompilationError when the queries
 *   never settle
 */
export async function renderLive<T>(render: (replay: DatabaseReplay) => T, run: (sql: string) => Promise<QueryData>): Promise<T> {
  const replay = new DatabaseReplay();
  for (;;) {
    replay.startPass();
    let sql: string;
    try {
      const result = render(replay);
      // A render that caught the query's NeedsDatabase and finished anyway used no answer for it.
      const pending = replay.pending;
      if (pending === undefined) return result;
      sql = pending;
    } catch (error) {
      if (!(error instanceof NeedsDatabase)) throw error;
      sql = error.sql;
    }
    replay.record(sql, await run(sql));
  }
}
