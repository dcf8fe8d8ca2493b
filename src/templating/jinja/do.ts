/**
 * `{% do expression %}`: evaluates the expression and outputs nothing (Jinja's `do` extension,
 * which dbt enables): `{% do items.append(x) %}`.
 * Reference: jinja.palletsprojects.com/en/3.1.x/extensions/#expression-statement
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** The nunjucks extension for the `do` tag. */
export class DoExtension {
  readonly tags = ['do'];

  parse(parser: Any, nodes: Any): Any {
    const tag = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(tag.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tag.lineno, tag.colno, [expression]));
  }

  run(): string {
    return '';
  }
}
