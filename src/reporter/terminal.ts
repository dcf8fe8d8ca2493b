import pc from 'picocolors';
import { DopsError, DopsErrorGroup, formatLocation } from '../errors.js';
import { relationName, type ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import { BatchedOutput } from './batched-output.js';
import type { Reporter } from './reporter.js';

/** Where terminal output goes; `isTTY` decides colors. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const LINE_WIDTH = 80;

/** Colors on a TTY unless NO_COLOR is set (no-color.org); plain text otherwise. */
export function colorsFor(stream: OutputStream): ReturnType<typeof pc.createColors> {
  return pc.createColors(Boolean(stream.isTTY) && !('NO_COLOR' in process.env));
}

function seconds(value: number): string {
  return `${value.toFixed(2)}s`;
}

function subject(node: ManifestNode): string {
  return node.resourceType === 'test' ? node.name : relationName(node.relation);
}

function errorVerb(node: ManifestNode): string {
  if (node.resourceType === 'test') return 'in test';
  if (node.resourceType === 'seed') return 'loading seed';
  return `creating ${node.config.materialized}`;
}

/**
 * Prints a run the way dbt does: one line per node with its index, status, relation, rows and
 * seconds, then the details of failures and warnings and a `Done.` line with the counts. Node
 * lines to a terminal, pipe or file are written in batches (see {@link BatchedOutput}); every
 * other event first writes the lines still waiting, so the order never changes.
 */
export class TerminalReporter implements Reporter {
  private readonly color: ReturnType<typeof pc.createColors>;
  private readonly lines: BatchedOutput;
  /** on-run-start / on-run-end hooks that failed in this run. */
  private hookErrors = 0;

  constructor(private readonly out: OutputStream) {
    this.color = colorsFor(out);
    this.lines = new BatchedOutput(out);
  }

  warnings(messages: string[]): void {
    this.lines.flush();
    for (const message of messages) this.out.write(`${this.color.yellow('Warning:')} ${message}\n`);
  }

  runStarted(total: number): void {
    this.lines.flush();
    this.out.write(`Running ${total} node${total === 1 ? '' : 's'}\n\n`);
  }

  nodeFinished(node: ManifestNode, result: NodeResult, index: number, total: number): void {
    const { label, info, paint } = this.describe(node, result);
    const prefix = `${String(index).padStart(String(total).length)} of ${total} `;
    const text = `${label} ${subject(node)} `;
    const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - text.length - info.length - 3));
    this.lines.write(`${prefix}${paint(label)} ${subject(node)} ${this.color.dim(dots)} [${paint(info)}]\n`);
  }

  /** dbt's hook line: `1 of 1 OK hook: <project>-on-run-start-0 .... [OK in 0.01s]`; a failure adds its message. */
  hookFinished(name: string, status: 'success' | 'error', message: string, secs: number, index: number, total: number): void {
    this.lines.flush();
    if (status === 'error') this.hookErrors++;
    const paint = status === 'success' ? this.color.green : this.color.red;
    const label = status === 'success' ? 'OK hook:' : 'ERROR hook:';
    const info = `${status === 'success' ? 'OK' : 'ERROR'} in ${seconds(secs)}`;
    const prefix = `${index} of ${total} `;
    const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - label.length - name.length - info.length - 5));
    this.out.write(`${prefix}${paint(label)} ${name} ${this.color.dim(dots)} [${paint(info)}]\n${status === 'error' ? `  ${message}\n` : ''}`);
  }

  runFinished(results: NodeResult[], summary: RunSummary, nodes: Map<string, ManifestNode>): void {
    this.lines.flush();
    const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
    const errors = results.filter((r) => r.status === 'error' || r.status === 'fail').length;
    const c = this.color;
    this.out.write(`\nFinished running ${summary.total} node${summary.total === 1 ? '' : 's'} in ${seconds(summary.elapsed)}.\n`);
    if (problems.length) {
      const warns = problems.length - errors;
      const head = errors ? c.red(`Completed with ${errors} error${errors === 1 ? '' : 's'}`) : c.yellow('Completed with warnings');
      this.out.write(`\n${head}${errors && warns ? ` and ${warns} warning${warns === 1 ? '' : 's'}` : ''}:\n`);
      for (const result of problems) {
        const node = nodes.get(result.uniqueId)!;
        const kind = result.status === 'warn' ? c.yellow('Warning') : c.red(result.status === 'fail' ? 'Failure' : 'Error');
        this.out.write(`\n${kind} in ${node.resourceType} ${node.name} (${node.originalFilePath})\n  ${result.message}\n`);
        if (result.compiledPath && result.status !== 'error') this.out.write(`  compiled SQL: ${result.compiledPath}\n`);
      }
    } else if (this.hookErrors) {
      this.out.write(`\n${c.red(`Completed with ${this.hookErrors} hook error${this.hookErrors === 1 ? '' : 's'}`)}\n`);
    } else {
      this.out.write(`\n${c.green('Completed successfully')}\n`);
    }
    const counts = `PASS=${summary.pass} WARN=${summary.warn} ERROR=${summary.error} SKIP=${summary.skip} TOTAL=${summary.total}`;
    this.out.write(`\nDone. ${errors ? c.red(counts) : summary.warn ? c.yellow(counts) : c.green(counts)}\n`);
  }

  private describe(node: ManifestNode, result: NodeResult): { label: string; info: string; paint: (s: string) => string } {
    const c = this.color;
    const time = seconds(result.executionTime);
    const rows = result.rowsAffected === undefined ? 'OK' : `${result.rowsAffected} rows`;
    switch (result.status) {
      case 'success':
        return { label: `OK ${result.message}`, info: `${rows} in ${time}`, paint: c.green };
      case 'pass':
        return { label: 'PASS', info: `PASS in ${time}`, paint: c.green };
      case 'warn':
        return { label: `WARN ${result.failures}`, info: `WARN ${result.failures} in ${time}`, paint: c.yellow };
      case 'fail':
        return { label: `FAIL ${result.failures}`, info: `FAIL ${result.failures} in ${time}`, paint: c.red };
      case 'skipped':
        return { label: 'SKIP', info: 'SKIP', paint: c.yellow };
      default:
        return { label: `ERROR ${errorVerb(node)}`, info: `ERROR in ${time}`, paint: c.red };
    }
  }
}

/**
 * Formats a user error for the terminal: `Error: file:line: message` plus a hint line; a group
 * prints each of its errors.
 */
export function formatError(error: DopsError, stream: OutputStream): string {
  const c = colorsFor(stream);
  const errors = error instanceof DopsErrorGroup ? error.errors : [error];
  const lines = errors.map((e) => {
    const where = e.location ? `${formatLocation(e.location)}: ` : '';
    return `${c.red('Error:')} ${where}${e.message}${e.hint ? `\n  ${c.dim(e.hint)}` : ''}`;
  });
  if (errors.length > 1) lines.push(`${errors.length} errors found; nothing was run.`);
  return `${lines.join('\n')}\n`;
}
