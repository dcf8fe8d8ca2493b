/**
 * `{% break %}` and `{% continue %}` inside for loops (Jinja's loopcontrols extension, which dbt
 * enables next to `do`).
 * Reference: jinja.palletsprojects.com/en/3.1.x/extensions/#loop-controls
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import nunjucks from 'nunjucks';

type Any = any;

const nodes = (nunjucks as Any).nodes;

/** A parsed `break` or `continue`. */
const LoopControl = nodes.Node.extend('JinjaLoopControl', { fields: ['keyword'] });

let installed = false;

/**
 * Teaches nunjucks' compiler the loop controls (once per process). They compile to JS `break` /
 * `continue` inside the loop ./syntax.ts emits; `jinjaLoops` counts the loops being compiled.
 */
export function installLoopControls(): void {
  if (installed) return;
  installed = true;
  (nunjucks as Any).compiler.Compiler.prototype.compileJinjaLoopControl = function (this: Any, node: Any): void {
    if (!this.jinjaLoops) this.fail(`'${node.keyword}' outside of a for loop`, node.lineno, node.colno);
    this._emitLine(`${node.keyword};`);
  };
}

/** The nunjucks extension for the `break` and `continue` tags. */
export class LoopControlsExtension {
  readonly tags = ['break', 'continue'];

  parse(parser: Any): Any {
    const tag = parser.nextToken();
    parser.advanceAfterBlockEnd(tag.value);
    return new LoopControl(tag.lineno, tag.colno, tag.value);
  }
}
