/**
 * `{% with a = 1, b = 2 %}...{% endwith %}`: names visible only inside the block.
 * Reference: jinja.palletsprojects.com/en/3.1.x/templates/#with-statement
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import nunjucks from 'nunjucks';

type Any = any;

const nodes = (nunjucks as Any).nodes;
const lexer = (nunjucks as Any).lexer;

/** The parsed `with` block: `targets[i]` is bound to `values[i]` (evaluated outside the block). */
const With = nodes.Node.extend('JinjaWith', { fields: ['targets', 'values', 'body'] });

let installed = false;

/** Teaches nunjucks' compiler the `with` block (once per process). */
export function installWith(): void {
  if (installed) return;
  installed = true;
  (nunjucks as Any).compiler.Compiler.prototype.compileJinjaWith = function (this: Any, node: Any, frame: Any): void {
    const ids = node.values.map((value: Any) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(value, frame);
      this._emitLine(';');
      return id;
    });
    const scope = frame.push(true);
    this._emitLine('frame = frame.push(true);');
    node.targets.forEach((target: Any, i: number) => {
      this._emitLine(`frame.set(${JSON.stringify(target.value)}, ${ids[i]});`);
      scope.set(target.value, ids[i]);
    });
    this._emitLine('try {');
    this._withScopedSyntax(() => this.compile(node.body, scope));
    this._emitLine('} finally { frame = frame.pop(); }');
  };
}

/** The nunjucks extension for the `with` tag. */
export class WithExtension {
  readonly tags = ['with'];

  parse(parser: Any): Any {
    const tag = parser.nextToken();
    const targets: Any[] = [];
    const values: Any[] = [];
    while (parser.peekToken().type !== lexer.TOKEN_BLOCK_END) {
      if (targets.length && !parser.skip(lexer.TOKEN_COMMA)) parser.fail('with: expected a comma between assignments', tag.lineno, tag.colno);
      const target = parser.parsePrimary(true);
      if (!(target instanceof nodes.Symbol)) parser.fail('with: expected a name to assign', target.lineno, target.colno);
      if (!parser.skipValue(lexer.TOKEN_OPERATOR, '=')) parser.fail('with: expected = after the name', target.lineno, target.colno);
      targets.push(target);
      values.push(parser.parseExpression());
    }
    parser.advanceAfterBlockEnd(tag.value);
    const body = parser.parseUntilBlocks('endwith');
    parser.advanceAfterBlockEnd();
    return new With(tag.lineno, tag.colno, targets, values, body);
  }
}
