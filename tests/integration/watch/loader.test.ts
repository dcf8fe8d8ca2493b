/**
 * The watch loader reuses files, templates and parse results between loads; whatever path it takes,
 * the project it returns must equal a fresh `loadProject` of the same files.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject, type LoadedProject } from '../../../src/api/project.js';
import { DopsError } from '../../../src/errors.js';
import type { FileChange } from '../../../src/watch/changes.js';
import { ProjectLoader } from '../../../src/watch/loader.js';
import { deleteProjectFile, makeProject, removeProjects, writeProjectFile } from './watch-helpers.js';

const FILES = {
  'dops_project.yml': 'name: shop\nvars: {rate: 2}\nmodels:\n  shop:\n    marts: {+materialized: table}\n',
  'macros/money.sql': '{% macro cents(c) %}({{ c }} * 100){% endmacro %}\n',
  'models/staging/stg_a.sql': "select 1 as id, {{ cents('2') }} as amount\n",
  'models/staging/stg_b.sql': 'select 2 as id\n',
  'models/marts/fct.sql': "select * from {{ ref('stg_a') }} join {{ ref('stg_b') }} using (id)\n",
  'models/marts/_schema.yml': 'version: 2\nmodels:\n  - name: fct\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'tests/no_negative.sql': "select * from {{ ref('fct') }} where amount < 0\n",
};

/** The manifest as comparable data. */
const nodes = (project: LoadedProject) => JSON.stringify([...project.manifest.nodes.values()]);
const edges = (project: LoadedProject) => project.dag.graph.edges().map((e) => `${project.dag.graph.source(e)}>${project.dag.graph.target(e)}`).sort();

describe('ProjectLoader', () => {
  afterAll(() => removeProjects());

  const setup = () => {
    const dir = makeProject(FILES);
    const loader = new ProjectLoader({ projectDir: dir });
    const edit = (path: string, contents: string | undefined, kind: FileChange['kind'] = 'change') => {
      if (contents === undefined) deleteProjectFile(dir, path);
      else writeProjectFile(dir, path, contents);
      const change: FileChange = { kind, path };
      loader.invalidate([change.path]);
      return loader.load();
    };
    const fresh = () => loadProject({ projectDir: dir });
    return { dir, loader, edit, fresh };
  };

  it('re-parses only the edited model when its refs and config stay the same', () => {
    const { loader, edit, fresh } = setup();
    const first = loader.load();
    const second = edit('models/staging/stg_a.sql', "select 1 as id, {{ cents('3') }} as amount -- cheaper\n");
    // the other nodes are the very objects of the last load: they were not parsed again
    expect(second.manifest.get('model.shop.stg_b')).toBe(first.manifest.get('model.shop.stg_b'));
    expect(second.manifest.get('model.shop.stg_a')).not.toBe(first.manifest.get('model.shop.stg_a'));
    expect(second.manifest.get('model.shop.stg_a').originalFilePath).toBe('models/staging/stg_a.sql');
    expect(nodes(second)).toBe(nodes(fresh()));
    expect(second.compiler().compile(second.manifest.get('model.shop.stg_a') as never).sql).toContain('(3 * 100)');
  });

  it('loads fully when refs, config or the file set change, and still equals a fresh load', () => {
    const { loader, edit, fresh } = setup();
    const first = loader.load();
    const refs = edit('models/marts/fct.sql', "select * from {{ ref('stg_a') }}\n");
    expect(refs.manifest.get('model.shop.stg_b')).not.toBe(first.manifest.get('model.shop.stg_b'));
    expect(nodes(refs)).toBe(nodes(fresh()));
    expect(edges(refs)).toEqual(edges(fresh()));
    const config = edit('models/staging/stg_b.sql', "{{ config(materialized='table') }}select 2 as id\n");
    expect(config.manifest.get('model.shop.stg_b').config.materialized).toBe('table');
    expect(nodes(config)).toBe(nodes(fresh()));
    const added = edit('models/staging/stg_c.sql', 'select 3 as id\n', 'add');
    expect(added.manifest.nodes.has('model.shop.stg_c')).toBe(true);
    const removed = edit('models/staging/stg_c.sql', undefined, 'unlink');
    expect(removed.manifest.nodes.has('model.shop.stg_c')).toBe(false);
    expect(nodes(removed)).toBe(nodes(fresh()));
  });

  it('picks up macro, YAML, singular test and project-file edits', () => {
    const { loader, edit, fresh } = setup();
    loader.load();
    edit('macros/money.sql', '{% macro cents(c) %}({{ c }} * 1000){% endmacro %}\n');
    const yaml = edit('models/marts/_schema.yml', 'version: 2\nmodels:\n  - name: fct\n    description: facts\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n');
    expect(yaml.manifest.get('model.shop.fct').description).toBe('facts');
    expect([...yaml.manifest.nodes.keys()].filter((id) => id.startsWith('test.shop.not_null_fct_id'))).toHaveLength(1);
    edit('tests/no_negative.sql', "select * from {{ ref('fct') }} where amount < -1\n");
    const project = edit('dops_project.yml', 'name: shop\nvars: {rate: 3}\nmodels:\n  shop:\n    marts: {+materialized: view}\n');
    expect(project.manifest.get('model.shop.fct').config.materialized).toBe('view');
    expect(project.global.vars.rate).toBe(3);
    expect(nodes(project)).toBe(nodes(fresh()));
    expect(project.compiler().compile(project.manifest.get('model.shop.stg_a') as never).sql).toContain('(2 * 1000)');
  });

  it('throws the same errors as a fresh load, and recovers on the next good save', () => {
    const { loader, edit, fresh } = setup();
    loader.load();
    const broken = "select 1 as id, {{ cents('2' }} as amount\n";
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(DopsError);
        return (error as DopsError).message;
      }
      throw new Error('expected an error');
    };
    expect(message(() => edit('models/staging/stg_a.sql', broken))).toBe(message(() => fresh()));
    const fixed = edit('models/staging/stg_a.sql', "select 1 as id, {{ cents('4') }} as amount\n");
    expect(nodes(fixed)).toBe(nodes(fresh()));
  });
});
