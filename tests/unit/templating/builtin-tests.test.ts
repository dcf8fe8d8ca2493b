import { describe, expect, it } from 'vitest';
import { BUILTIN_TESTS } from '../../../src/templating/builtin-tests.js';
import { TemplateEngine } from '../../../src/templating/engine.js';

const engine = new TemplateEngine([BUILTIN_TESTS]);
const render = (call: string) => engine.render({ path: 'models/schema.yml', contents: `{{ ${call} }}` }, { orders: '"main"."orders"', customers: '"main"."customers"' });

describe('built-in generic test macros', () => {
  it('defines the four dbt tests', () => {
    expect([...engine.macros.keys()]).toEqual(['test_unique', 'test_not_null', 'test_accepted_values', 'test_relationships']);
  });

  it('unique', () => {
    expect(render(`test_unique(model=orders, column_name='order_id')`)).toBe(
      ['', 'select order_id as unique_field, count(*) as n_records', 'from "main"."orders"', 'where order_id is not null', 'group by order_id', 'having count(*) > 1', ''].join('\n'),
    );
  });

  it('not_null', () => {
    expect(render(`test_not_null(model=orders, column_name='order_id')`)).toBe(['', 'select order_id', 'from "main"."orders"', 'where order_id is null', ''].join('\n'));
  });

  const acceptedValues = (list: string) =>
    [
      '',
      'with all_values as (',
      '    select status as value_field, count(*) as n_records',
      '    from "main"."orders"',
      '    group by status',
      ')',
      'select * from all_values',
      `where value_field not in (${list})`,
      '',
    ].join('\n');

  it('accepted_values quotes values by default and escapes single quotes', () => {
    expect(render(`test_accepted_values(model=orders, column_name='status', values=['placed', "it's", 3])`)).toBe(acceptedValues(`'placed', 'it''s', '3'`));
  });

  it('accepted_values with quote=false writes values as-is', () => {
    expect(render(`test_accepted_values(model=orders, column_name='status', values=[1, 2, 3], quote=false)`)).toBe(acceptedValues('1, 2, 3'));
  });

  it('accepted_values with one value', () => {
    expect(render(`test_accepted_values(model=orders, column_name='status', values=['done'], quote=true)`)).toBe(acceptedValues(`'done'`));
  });

  it('relationships', () => {
    expect(render(`test_relationships(model=orders, column_name='customer_id', to=customers, field='id')`)).toBe(
      [
        '',
        'with child as (',
        '    select customer_id as from_field',
        '    from "main"."orders"',
        '    where customer_id is not null',
        '),',
        'parent as (',
        '    select id as to_field',
        '    from "main"."customers"',
        ')',
        'select child.from_field',
        'from child',
        'left join parent on child.from_field = parent.to_field',
        'where parent.to_field is null',
        '',
      ].join('\n'),
    );
  });
});
