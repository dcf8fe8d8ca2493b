import { describe, expect, it } from 'vitest';
import { CompilationError, DependencyNotFoundError, DopsErrorGroup, ParseError } from '../../../src/errors.js';
import { TemplateEngine } from '../../../src/templating/engine.js';
import { thrown } from '../helpers.js';

const model = (contents: string) => ({ path: 'models/orders.sql', contents });

describe('TemplateEngine.render', () => {
  it('renders context values and does not escape SQL', () => {
    const engine = new TemplateEngine([]);
    expect(engine.render(model(`select '{{ name }}' as n, {{ n + 1 }} as m`), { name: "a<b>&c", n: 2 })).toBe(`select 'a<b>&c' as n, 3 as m`);
  });

  it('renders an undefined variable as empty text', () => {
    expect(new TemplateEngine([]).render(model('select {{ missing }}1'), {})).toBe('select 1');
  });

  it('reports a syntax error as ParseError with its 1-based line and column', () => {
    const error = thrown(() => new TemplateEngine([]).render(model('select 1\n{% if %}\n'), {}));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Template syntax error: unexpected token: %}');
    expect(error.location).toEqual({ file: 'models/orders.sql', line: 2, column: 7 });
  });

  it('reports a syntax error on a later line', () => {
    const error = thrown(() => new TemplateEngine([]).render(model('select 1\nfrom x\n{{ foo( }}\n'), {}));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 3 });
  });

  it('reports an unterminated expression at the line it opens', () => {
    const error = thrown(() => new TemplateEngine([]).render(model('select 1\nfrom {{ ref(\n\n'), {}));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Template syntax error: unclosed tag or expression');
    expect(error.location).toEqual({ file: 'models/orders.sql', line: 2 });
  });

  it('locates errors on the first line of a template', () => {
    const syntax = thrown(() => new TemplateEngine([]).render(model('{% if %}'), {}));
    expect(syntax).toBeInstanceOf(ParseError);
    expect(syntax.location).toEqual({ file: 'models/orders.sql', line: 1, column: 7 });
    const runtime = thrown(() => new TemplateEngine([]).render(model('select {{ nope() }}'), {}));
    expect(runtime).toBeInstanceOf(CompilationError);
    expect(runtime.location).toMatchObject({ file: 'models/orders.sql', line: 1 });
  });

  it('keeps leading blank lines of the template in the output', () => {
    expect(new TemplateEngine([]).render(model('\n\nselect 1'), {})).toBe('\n\nselect 1');
  });

  it('reports calling an undefined function as CompilationError on the right 1-based line', () => {
    const error = thrown(() => new TemplateEngine([]).render(model('select 1\n\n{{ nope() }}\n'), {}));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe('Unable to call `nope`, which is undefined or falsey');
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 3 });
  });

  it('reports a throwing context function as CompilationError with its message and line', () => {
    const boom = () => {
      throw new Error('kaboom');
    };
    const error = thrown(() => new TemplateEngine([]).render(model('select 1\n\n\n{{ boom() }}\n'), { boom }));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe('kaboom');
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 4 });
  });

  it('lets a DopsError from a guarded context function surface as itself, with the template location', () => {
    const engine = new TemplateEngine([]);
    const raised = new DependencyNotFoundError("Model 'orders' depends on 'x', which was not found", { hint: 'Did you mean ...' });
    const ref = engine.guard(() => {
      throw raised;
    });
    const error = thrown(() => engine.render(model('select *\nfrom {{ ref("x") }}\n'), { ref }));
    expect(error).toBe(raised);
    expect(error.hint).toBe('Did you mean ...');
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 2 });
  });

  it('keeps the location a guarded DopsError already has', () => {
    const engine = new TemplateEngine([]);
    const fail = engine.guard(() => {
      throw new CompilationError('mine', { location: { file: 'elsewhere.yml', line: 9 } });
    });
    expect(thrown(() => engine.render(model('{{ fail() }}'), { fail })).location).toEqual({ file: 'elsewhere.yml', line: 9 });
  });

  it('does not carry a guarded error over to a later, unrelated failure', () => {
    const engine = new TemplateEngine([]);
    const guarded = engine.guard(() => {
      throw new CompilationError('first');
    });
    thrown(() => engine.render(model('{{ guarded() }}'), { guarded }));
    const second = thrown(() => engine.render(model('{{ other() }}'), {}));
    expect(second.message).toBe('Unable to call `other`, which is undefined or falsey');
  });

  it('re-renders a changed template under the same path', () => {
    const engine = new TemplateEngine([]);
    expect(engine.render(model('select 1'), {})).toBe('select 1');
    expect(engine.render(model('select 2'), {})).toBe('select 2');
  });
});

describe('TemplateEngine macros', () => {
  const macros = [
    { path: 'macros/money.sql', contents: '{% macro cents(col) %}({{ col }} / 100){% endmacro %}' },
    {
      path: 'macros/select.sql',
      contents: '{% macro price(col) %}{{ cents(col) }} as price from {{ ref("orders") }}{% endmacro %}\n{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}',
    },
  ];

  it('records which file defines each macro', () => {
    const engine = new TemplateEngine(macros);
    expect([...engine.macros.entries()]).toEqual([
      ['cents', 'macros/money.sql'],
      ['price', 'macros/select.sql'],
      ['twice', 'macros/select.sql'],
    ]);
  });

  it('makes macros callable without import, across files, and lets them call ref()', () => {
    const engine = new TemplateEngine(macros);
    const ref = (name: string) => `"main"."${name}"`;
    expect(engine.render(model('select {{ price("amount") }} -- {{ twice("ab") }}'), { ref })).toBe('select (amount / 100) as price from "main"."orders" -- abab');
  });

  it('sees the current context in macros (a different ref per render)', () => {
    const engine = new TemplateEngine(macros);
    expect(engine.render(model('{{ price("a") }}'), { ref: (n: string) => `dev.${n}` })).toBe('(a / 100) as price from dev.orders');
    expect(engine.render(model('{{ price("a") }}'), { ref: (n: string) => `prod.${n}` })).toBe('(a / 100) as price from prod.orders');
  });

  it('reports a runtime error inside a macro as CompilationError', () => {
    const engine = new TemplateEngine([{ path: 'macros/bad.sql', contents: '{% macro bad() %}\n{{ missing() }}\n{% endmacro %}' }]);
    const error = thrown(() => engine.render(model('select 1\n{{ bad() }}'), {}));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe('Unable to call `missing`, which is undefined or falsey');
  });

  it('rejects a macro defined twice, naming both files', () => {
    const error = thrown(
      () =>
        new TemplateEngine([
          { path: 'macros/a.sql', contents: '{% macro m() %}a{% endmacro %}' },
          { path: 'macros/b.sql', contents: '{% macro m() %}b{% endmacro %}' },
        ]),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe("Macro 'm' is defined twice: in macros/a.sql and macros/b.sql");
    expect(error.location).toEqual({ file: 'macros/b.sql' });
  });

  it('collects problems from several macro files into one group', () => {
    const error = thrown(
      () =>
        new TemplateEngine([
          { path: 'macros/a.sql', contents: '{% macro m() %}a{% endmacro %}' },
          { path: 'macros/b.sql', contents: '{% macro m() %}b{% endmacro %}' },
          { path: 'macros/c.sql', contents: 'x\n{% macro n() %}{% if %}{% endmacro %}' },
        ]),
    );
    expect(error).toBeInstanceOf(DopsErrorGroup);
    expect(error.errors.map((e: ParseError) => e.location?.file)).toEqual(['macros/b.sql', 'macros/c.sql']);
    expect(error.errors[1]).toBeInstanceOf(ParseError);
    expect(error.errors[1].message).toMatch(/^Template syntax error: /);
    expect(error.errors[1].location.line).toBe(2);
  });
});
