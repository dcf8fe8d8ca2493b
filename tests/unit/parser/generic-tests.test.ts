import { describe, expect, it } from 'vitest';
import { genericTestNode, type TestTarget } from '../../../src/parser/generic-tests.js';
import type { TestSpec } from '../../../src/parser/properties.js';
import { checksum } from '../../../src/project/files.js';
import { projectConfig } from '../helpers.js';

const orders: TestTarget = { uniqueId: 'model.shop.orders', expression: 'ref("orders")', label: 'orders', isSource: false };
const spec = (overrides: Partial<TestSpec>): TestSpec => ({ testName: 'unique', kwargs: {}, config: {}, file: 'models/schema.yml', line: 5, ...overrides });

describe('genericTestNode', () => {
  it('builds a call of the test macro with the model wrapped for where filtering', () => {
    const node = genericTestNode(projectConfig(), spec({ columnName: 'id' }), orders);
    const rawSql = '{{ test_unique(model=__dops_model(ref("orders")), column_name="id") }}';
    expect(node).toEqual({
      uniqueId: `test.shop.unique_orders_id.${checksum(`models/schema.yml:${rawSql}`).slice(0, 10)}`,
      resourceType: 'test',
      name: 'unique_orders_id',
      packageName: 'shop',
      originalFilePath: 'models/schema.yml',
      fqn: ['shop', 'unique_orders_id'],
      description: '',
      config: expect.objectContaining({ materialized: 'test', enabled: true, tags: [] }),
      line: 5,
      testType: 'generic',
      rawSql,
      refs: [],
      sources: [],
      dependsOn: { nodes: [] },
      testMetadata: { name: 'unique', kwargs: { column_name: 'id' } },
      attachedNode: 'model.shop.orders',
      columnName: 'id',
      checksum: checksum(rawSql),
    });
  });

  it('writes arguments as Jinja literals, keeping ref()/source() strings as expressions', () => {
    const node = genericTestNode(
      projectConfig(),
      spec({ testName: 'relationships', columnName: 'customer_id', kwargs: { to: " ref('customers') ", field: 'id', values: ['a', "b'c"], quote: false, n: null } }),
      orders,
    );
    expect(node.rawSql).toBe(
      `{{ test_relationships(model=__dops_model(ref("orders")), column_name="customer_id", to=ref('customers'), field="id", values=["a", "b'c"], quote=false, n=null) }}`,
    );
  });

  it('gives tests with different arguments different unique ids', () => {
    const a = genericTestNode(projectConfig(), spec({ testName: 'accepted_values', columnName: 's', kwargs: { values: ['a'] }, customName: 'same' }), orders);
    const b = genericTestNode(projectConfig(), spec({ testName: 'accepted_values', columnName: 's', kwargs: { values: ['b'] }, customName: 'same' }), orders);
    expect(a.name).toBe('same');
    expect(a.uniqueId).not.toBe(b.uniqueId);
  });

  it('merges tests: folder config under the test entry config', () => {
    const project = projectConfig({ folderConfig: { models: {}, seeds: {}, tests: { '+severity': 'warn', '+tags': ['dq'], '+where': 'x' } } });
    const node = genericTestNode(project, spec({ config: { severity: 'error', tags: ['own'] } }), orders);
    expect(node.config).toMatchObject({ severity: 'error', tags: ['dq', 'own'], where: 'x' });
  });
});
