import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { makeProject, query, ranNames, relations, removeProjects, resultFor } from '../helpers.js';

/** Config precedence (dbt's): project file folders < YAML properties < config() in the model. */
const PROJECT_FILE = `name: proj
models:
  staging:
    +materialized: table
    +schema: stage
    +tags: [from_project]
  marts:
    +materialized: table
`;

describe('model config', () => {
  let dir: string;
  let outcome: RunOutcome;

  beforeAll(async () => {
    dir = makeProject({
      'dops_project.yml': PROJECT_FILE,
      'models/staging/s_default.sql': 'select 1 as id\n',
      'models/staging/s_yaml.sql': 'select 2 as id\n',
      'models/staging/s_inline.sql': "{{ config(materialized='view', schema='inline', tags=['from_config']) }}\nselect 3 as id\n",
      'models/marts/aliased.sql': "{{ config(alias='customer_facts') }}\nselect '{{ this.identifier }}' as me, '{{ this.schema }}' as my_schema\n",
      'models/marts/uses_alias.sql': "select * from {{ ref('aliased') }}\n",
      'models/off.sql': "{{ config(enabled=false) }}\nselect * from {{ ref('does_not_exist') }}\n",
      'models/off_by_yaml.sql': 'select 1 as id\n',
      'models/macro_user.sql': "select {{ double('21') }} as answer, '{{ project_name }}' as project\n",
      'macros/math.sql': '{% macro double(x) %}({{ x }} * 2){% endmacro %}\n',
      'models/schema.yml': `version: 2
models:
  - name: s_yaml
    config:
      materialized: view
      tags: [from_yaml]
  - name: off_by_yaml
    config:
      enabled: false
    columns:
      - name: id
        data_tests: [unique]
`,
    });
    outcome = await build({ projectDir: dir });
  });
  afterAll(removeProjects);

  it('builds successfully', () => {
    expect(outcome.success).toBe(true);
  });

  it('applies folder config from the project file (without the project-name level)', async () => {
    expect((await relations(dir))['stage.s_default']).toBe('BASE TABLE');
  });

  it('YAML config beats the project file, config() beats both', async () => {
    const rel = await relations(dir);
    expect(rel['stage.s_yaml']).toBe('VIEW');
    expect(rel['inline.s_inline']).toBe('VIEW');
    expect(rel['stage.s_inline']).toBeUndefined();
  });

  it('accumulates tags across layers', () => {
    const tags = (name: string) => outcome.project.manifest.get(`model.proj.${name}`).config.tags.sort();
    expect(tags('s_default')).toEqual(['from_project']);
    expect(tags('s_yaml')).toEqual(['from_project', 'from_yaml']);
    expect(tags('s_inline')).toEqual(['from_config', 'from_project']);
  });

  it('alias names the relation; ref and this follow it', async () => {
    expect(resultFor(outcome, 'aliased').relationName).toBe('main.customer_facts');
    expect(await query(dir, 'select * from main.customer_facts')).toEqual([{ me: 'customer_facts', my_schema: 'main' }]);
    expect(await query(dir, 'select me from uses_alias')).toEqual([{ me: 'customer_facts' }]);
    expect((await relations(dir))['main.aliased']).toBeUndefined();
  });

  it('disabled models (config() or YAML) are not parsed for refs, built, or tested', async () => {
    expect(ranNames(outcome)).not.toContain('off');
    expect(ranNames(outcome)).not.toContain('off_by_yaml');
    expect(ranNames(outcome)).not.toContain('unique_off_by_yaml_id');
    const rel = await relations(dir);
    expect(rel['main.off']).toBeUndefined();
    expect(rel['main.off_by_yaml']).toBeUndefined();
  });

  it('macros are callable without an import, with project_name in the context', async () => {
    expect(await query(dir, 'select * from macro_user')).toEqual([{ answer: 42, project: 'proj' }]);
  });
});
