import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompilationError, DopsErrorGroup, ParseError } from '../../../src/errors.js';
import type { ManifestNode } from '../../../src/manifest/nodes.js';
import { formatError, TerminalReporter } from '../../../src/reporter/terminal.js';
import { summarize, type NodeResult, type NodeStatus } from '../../../src/runner/results.js';
import { model, seed, test } from '../helpers.js';

const ANSI = /\u001b\[/;

function stream(isTTY = false) {
  const s = {
    out: '',
    isTTY,
    write(text: string) {
      s.out += text;
      return true;
    },
  };
  return s;
}

function result(node: ManifestNode, status: NodeStatus, extra: Partial<NodeResult> = {}): NodeResult {
  return {
    uniqueId: node.uniqueId,
    status,
    message: status,
    executionTime: 0.1,
    startedAt: '2024-01-01T00:00:00.000Z',
    completedAt: '2024-01-01T00:00:00.100Z',
    thread: 0,
    ...extra,
  };
}

const orders = model('orders', { config: { materialized: 'table' } });
const stg = model('stg_orders', { config: { schema: 'staging' } });
const countries = seed('countries');
const unique = test('unique_orders_id', { testName: 'unique', attachedTo: 'orders' });
const notNull = test('not_null_orders_id', { testName: 'not_null', attachedTo: 'orders' });
const positive = test('assert_positive');
const customers = model('customers');

describe('TerminalReporter', () => {
  let savedNoColor: string | undefined;
  beforeEach(() => {
    savedNoColor = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
  });
  afterEach(() => {
    if (savedNoColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = savedNoColor;
  });

  it('prints the run header', () => {
    const s = stream();
    new TerminalReporter(s).runStarted(1);
    new TerminalReporter(s).runStarted(12);
    expect(s.out).toBe('Running 1 node\n\nRunning 12 nodes\n\n');
  });

  it('prints one 80-column line per node with index, status, relation, rows and seconds', () => {
    const s = stream();
    const reporter = new TerminalReporter(s);
    reporter.nodeFinished(orders, result(orders, 'success', { message: 'created table', rowsAffected: 123 }), 1, 3);
    expect(s.out).toBe('1 of 3 OK created table main.orders ........................ [123 rows in 0.10s]\n');
    expect(s.out.length - 1).toBe(80);
  });

  it('pads the index to the width of the total and prints OK when no rows are known', () => {
    const s = stream();
    new TerminalReporter(s).nodeFinished(stg, result(stg, 'success', { message: 'created view', executionTime: 1.234 }), 7, 12);
    expect(s.out).toBe(' 7 of 12 OK created view staging.stg_orders ...................... [OK in 1.23s]\n');
  });

  it('prints test, seed, skip and error lines', () => {
    const s = stream();
    const reporter = new TerminalReporter(s);
    reporter.nodeFinished(countries, result(countries, 'success', { message: 'loaded seed', rowsAffected: 5 }), 1, 6);
    reporter.nodeFinished(unique, result(unique, 'pass', { failures: 0 }), 2, 6);
    reporter.nodeFinished(notNull, result(notNull, 'warn', { failures: 2 }), 3, 6);
    reporter.nodeFinished(positive, result(positive, 'fail', { failures: 7, executionTime: 0.25 }), 4, 6);
    reporter.nodeFinished(customers, result(customers, 'skipped'), 5, 6);
    reporter.nodeFinished(orders, result(orders, 'error'), 6, 6);
    const lines = s.out.split('\n');
    expect(lines).toEqual([
      '1 of 6 OK loaded seed main.countries ......................... [5 rows in 0.10s]',
      '2 of 6 PASS unique_orders_id ................................... [PASS in 0.10s]',
      '3 of 6 WARN 2 not_null_orders_id ............................. [WARN 2 in 0.10s]',
      '4 of 6 FAIL 7 assert_positive ................................ [FAIL 7 in 0.25s]',
      '5 of 6 SKIP main.customers .............................................. [SKIP]',
      '6 of 6 ERROR creating table main.orders ....................... [ERROR in 0.10s]',
      '',
    ]);
    expect(lines.slice(0, -1).every((line) => line.length === 80)).toBe(true);
    expect(s.out).not.toMatch(ANSI);
  });

  it('keeps at least three dots for long names', () => {
    const long = model('a_model_with_a_really_long_name_that_fills_the_whole_line_by_itself');
    const s = stream();
    new TerminalReporter(s).nodeFinished(long, result(long, 'success', { message: 'created view' }), 1, 1);
    expect(s.out).toBe('1 of 1 OK created view main.a_model_with_a_really_long_name_that_fills_the_whole_line_by_itself ... [OK in 0.10s]\n');
  });

  it('ends a clean run with Completed successfully and the Done line', () => {
    const s = stream();
    const results = [result(orders, 'success'), result(unique, 'pass')];
    new TerminalReporter(s).runFinished(results, summarize(results, 2.5), new Map());
    expect(s.out).toBe('\nFinished running 2 nodes in 2.50s.\n\nCompleted successfully\n\nDone. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2\n');
  });

  it('lists failures and warnings with their messages and compiled SQL before the Done line', () => {
    const s = stream();
    const nodes = new Map<string, ManifestNode>([orders, notNull, positive, customers, unique].map((n) => [n.uniqueId, n]));
    const results = [
      result(unique, 'pass'),
      result(notNull, 'warn', { failures: 2, message: 'Got 2 results, configured to warn if != 0', compiledPath: 'target/compiled/shop/models/schema.yml/not_null_orders_id.sql' }),
      result(positive, 'fail', { failures: 7, message: 'Got 7 results, configured to fail if != 0', compiledPath: 'target/compiled/shop/tests/assert_positive.sql' }),
      result(orders, 'error', { message: 'Database error in model orders: boom', compiledPath: 'target/compiled/shop/models/orders.sql' }),
      result(customers, 'skipped'),
    ];
    new TerminalReporter(s).runFinished(results, summarize(results, 1), nodes);
    expect(s.out).toBe(
      [
        '',
        'Finished running 5 nodes in 1.00s.',
        '',
        'Completed with 2 errors and 1 warning:',
        '',
        'Warning in test not_null_orders_id (models/schema.yml)',
        '  Got 2 results, configured to warn if != 0',
        '  compiled SQL: target/compiled/shop/models/schema.yml/not_null_orders_id.sql',
        '',
        'Failure in test assert_positive (tests/assert_positive.sql)',
        '  Got 7 results, configured to fail if != 0',
        '  compiled SQL: target/compiled/shop/tests/assert_positive.sql',
        '',
        'Error in model orders (models/orders.sql)',
        '  Database error in model orders: boom',
        '',
        'Done. PASS=1 WARN=1 ERROR=2 SKIP=1 TOTAL=5',
        '',
      ].join('\n'),
    );
  });

  it('says Completed with warnings when nothing failed', () => {
    const s = stream();
    const results = [result(notNull, 'warn', { failures: 1, message: 'Got 1 result, configured to warn if != 0' })];
    new TerminalReporter(s).runFinished(results, summarize(results, 0.1), new Map([[notNull.uniqueId, notNull]]));
    expect(s.out).toContain('\nCompleted with warnings:\n\nWarning in test not_null_orders_id (models/schema.yml)\n  Got 1 result, configured to warn if != 0\n');
    expect(s.out.endsWith('Done. PASS=0 WARN=1 ERROR=0 SKIP=0 TOTAL=1\n')).toBe(true);
  });

  it('prints parse warnings', () => {
    const s = stream();
    new TerminalReporter(s).warnings(["models/schema.yml:3: properties for model 'x', which does not exist"]);
    expect(s.out).toBe("Warning: models/schema.yml:3: properties for model 'x', which does not exist\n");
  });

  it('colors output on a TTY', () => {
    const s = stream(true);
    new TerminalReporter(s).nodeFinished(orders, result(orders, 'success', { message: 'created table', rowsAffected: 1 }), 1, 1);
    expect(s.out).toMatch(ANSI);
    expect(s.out.replace(/\u001b\[\d+m/g, '')).toBe('1 of 1 OK created table main.orders .......................... [1 rows in 0.10s]\n');
  });

  it('does not color a TTY when NO_COLOR is set', () => {
    process.env.NO_COLOR = '1';
    const s = stream(true);
    new TerminalReporter(s).runStarted(2);
    new TerminalReporter(s).nodeFinished(orders, result(orders, 'error'), 1, 1);
    expect(s.out).not.toMatch(ANSI);
  });
});

describe('formatError', () => {
  it('prints location, message and hint', () => {
    const error = new CompilationError("Required var 'x' not found", { location: { file: 'models/a.sql', line: 3 }, hint: 'Set it.' });
    expect(formatError(error, { write: () => true, isTTY: false })).toBe("Error: models/a.sql:3: Required var 'x' not found\n  Set it.\n");
  });

  it('prints every error of a group and a count', () => {
    const group = new DopsErrorGroup([new ParseError('a', { location: { file: 'x.yml', line: 1, column: 2 } }), new ParseError('b')]);
    expect(formatError(group, { write: () => true })).toBe('Error: x.yml:1:2: a\nError: b\n2 errors found; nothing was run.\n');
  });
});

// dbt's run output: docs.getdbt.com/reference/commands/run (the Found, Concurrency and START lines)
describe('TerminalReporter, dbt run header and START lines', () => {
  const nodes = [orders, stg, countries, unique, notNull, positive, customers];

  it('prints Found and Concurrency, then an 80-column START line per node', () => {
    const s = stream();
    const reporter = new TerminalReporter(s, { progress: false });
    reporter.runStarted(3, { nodes, threads: 4, target: 'dev' });
    reporter.nodeStarted(countries);
    reporter.nodeStarted(stg);
    reporter.nodeStarted(unique);
    const lines = s.out.split('\n');
    expect(lines.slice(0, 4)).toEqual(['Found 3 models, 3 data tests, 1 seed', '', "Concurrency: 4 threads (target='dev')", '']);
    expect(lines.slice(4, 7)).toEqual([
      '1 of 3 START seed file main.countries .................................... [RUN]',
      '2 of 3 START sql view model staging.stg_orders ........................... [RUN]',
      '3 of 3 START test unique_orders_id ....................................... [RUN]',
    ]);
    expect(lines.slice(4, 7).every((line) => line.length === 80)).toBe(true);
  });

  it('says Nothing to do for an empty run, never Completed successfully', () => {
    const s = stream();
    const reporter = new TerminalReporter(s, { progress: false });
    reporter.runStarted(0, { nodes, threads: 1, target: 'dev' });
    reporter.runFinished([], summarize([], 0), new Map());
    expect(s.out).toBe('Found 3 models, 3 data tests, 1 seed\n\nNothing to do. Try checking your model configs and model specification args\n');
  });

  it('at log level error prints only the failures', () => {
    const s = stream();
    const reporter = new TerminalReporter(s, { logLevel: 'error' });
    const failed = result(orders, 'error', { message: 'Binder Error' });
    const warned = result(notNull, 'warn', { failures: 2 });
    reporter.warnings(['a warning']);
    reporter.runStarted(2, { nodes, threads: 1, target: 'dev' });
    reporter.nodeStarted(orders);
    reporter.nodeFinished(orders, failed, 1, 2);
    reporter.nodeFinished(notNull, warned, 2, 2);
    reporter.runFinished([failed, warned], summarize([failed, warned], 1), new Map(nodes.map((n) => [n.uniqueId, n])));
    expect(s.out).toContain('Error in model orders');
    expect(s.out).not.toMatch(/START|a warning|Done\.|Warning in/);
  });
});
