import { afterAll, describe, expect, it } from 'vitest';
import { build, list } from '../../../src/api/commands.js';
import { caught, makeProject, query, readJson, removeProjects } from '../helpers.js';

afterAll(removeProjects);

const PROPERTIES = `version: 2
models:
  - name: orders
    description: '{{ doc("orders_doc") }}'
    columns:
      - name: id
        description: "Key. {{ doc('id_doc') }}"
sources:
  - name: raw
    schema: main
    tables:
      - name: events
        description: "{{ doc('raw_doc') }}"
exposures:
  - name: weekly_report
    type: dashboard
    maturity: high
    owner: {name: Ann, email: ann@example.com}
    depends_on:
      - ref('orders')
      - source('raw', 'events')
groups:
  - name: finance
    owner: {name: Finance}
semantic_models:
  - name: orders_sm
    model: ref('orders')
    entities: [{name: id, type: primary}]
metrics:
  - name: order_count
    label: Orders
    type: simple
    type_params: {measure: order_total}
saved_queries:
  - name: orders_q
    query_params: {metrics: [order_count]}
`;

describe('docs blocks, doc() and parsed-only resources', () => {
  it('resolves doc() in model, column and source descriptions and writes docs, exposures, groups, semantic models, metrics and saved queries to manifest.json', async () => {
    // https://docs.getdbt.com/docs/build/documentation#using-docs-blocks and
    // https://docs.getdbt.com/reference/dbt-jinja-functions/doc: blocks in .md files under the
    // resource paths; `__overview__` replaces the docs site's front page.
    const dir = makeProject({
      'models/docs.md': '{% docs orders_doc %}\nOne row per **order**.\n{% enddocs %}\n\n{% docs id_doc %}The order id.{% enddocs %}\n{% docs __overview__ %}\nOur project\n{% enddocs %}\n',
      'macros/more.md': '{% docs raw_doc %}Raw events.{% enddocs %}\n',
      'models/orders.sql': 'select 1 as id\n',
      'models/schema.yml': PROPERTIES,
      'seeds/events.csv': 'id\n1\n',
    });
    const orders = list({ projectDir: dir }).find((node) => node.name === 'orders') as { description: string; columns: Record<string, { description: string }> };
    expect(orders.description).toBe('One row per **order**.');
    expect(orders.columns.id.description).toBe('Key. The order id.');
    await build({ projectDir: dir, select: ['orders'] });
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.sources['source.proj.raw.events'].description).toBe('Raw events.');
    expect(manifest.docs['doc.proj.__overview__'].block_contents).toBe('Our project');
    expect(Object.keys(manifest.docs).sort()).toEqual(['doc.proj.__overview__', 'doc.proj.id_doc', 'doc.proj.orders_doc', 'doc.proj.raw_doc']);
    // Exposures' depends_on comes from their ref()/source() strings (https://docs.getdbt.com/docs/build/exposures).
    expect(manifest.exposures['exposure.proj.weekly_report']).toMatchObject({ type: 'dashboard', maturity: 'high', depends_on: { nodes: ['model.proj.orders', 'source.proj.raw.events'] } });
    expect(manifest.groups['group.proj.finance']).toMatchObject({ name: 'finance', owner: { name: 'Finance' } });
    expect(manifest.semantic_models['semantic_model.proj.orders_sm'].depends_on.nodes).toEqual(['model.proj.orders']);
    expect(manifest.metrics['metric.proj.order_count']).toMatchObject({ type: 'simple', label: 'Orders' });
    expect(manifest.saved_queries['saved_query.proj.orders_q']).toMatchObject({ resource_type: 'saved_query' });
  });

  it('an unknown doc() is an error naming the file and line of the call', async () => {
    const dir = makeProject({
      'models/orders.sql': 'select 1 as id\n',
      'models/schema.yml': "version: 2\nmodels:\n  - name: orders\n    description: \"{{ doc('nope') }}\"\n",
    });
    const error = await caught(() => list({ projectDir: dir }));
    expect(error.message).toContain("doc('nope')");
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 4 });
  });

  it('an exposure depending on an unknown model is an error at its entry', async () => {
    const dir = makeProject({
      'models/orders.sql': 'select 1 as id\n',
      'models/schema.yml': "version: 2\nexposures:\n  - name: e\n    type: notebook\n    owner: {email: a@b.c}\n    depends_on: [\"ref('ordrs')\"]\n",
    });
    const error = await caught(() => list({ projectDir: dir }));
    expect(error.message).toContain("'ordrs', which was not found");
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 3 });
  });

  it('persist_docs writes descriptions as relation and column comments (https://docs.getdbt.com/reference/resource-configs/persist_docs)', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nmodels:\n  proj:\n    +persist_docs: {relation: true, columns: true}\nseeds:\n  proj:\n    +persist_docs: {relation: true}\n',
      'models/docs.md': "{% docs t_doc %}Table 't' documented.{% enddocs %}\n",
      'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'x' as name\n",
      'models/v.sql': "select * from {{ ref('t') }}\n",
      'seeds/s.csv': 'a\n1\n',
      'models/schema.yml': `version: 2
models:
  - name: t
    description: "{{ doc('t_doc') }}"
    columns:
      - name: id
        description: The id
      - name: not_there
        description: documented but absent
  - name: v
    description: A view
    columns:
      - name: name
        description: The name
seeds:
  - name: s
    description: A seed
`,
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(await query(dir, "select table_name, comment from duckdb_tables() where table_name in ('t', 's') order by 1")).toEqual([{ table_name: 's', comment: 'A seed' }, { table_name: 't', comment: "Table 't' documented." }]);
    expect(await query(dir, "select view_name, comment from duckdb_views() where view_name = 'v'")).toEqual([{ view_name: 'v', comment: 'A view' }]);
    expect(await query(dir, "select table_name, column_name, comment from duckdb_columns() where table_name in ('t', 'v') and comment is not null order by 1, 2")).toEqual([
      { table_name: 't', column_name: 'id', comment: 'The id' },
      { table_name: 'v', column_name: 'name', comment: 'The name' },
    ]);
  });
});
