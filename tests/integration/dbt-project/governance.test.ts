/**
 * require-dbt-version and model access, as dbt enforces them:
 * - https://docs.getdbt.com/reference/project-configs/require-dbt-version ("If the version of dbt
 *   used to invoke a project disagrees with the specified require-dbt-version in the project or any
 *   of the included packages, then dbt will fail immediately"; `--no-version-check` skips it);
 * - https://docs.getdbt.com/reference/global-configs/version-compatibility (`version_check`);
 * - https://docs.getdbt.com/reference/dbt-jinja-functions/dbt_version;
 * - https://docs.getdbt.com/reference/resource-configs/access and
 *   https://docs.getdbt.com/docs/mesh/govern/model-access (private: same group only; protected: the
 *   same project, or any project unless the package sets `restrict-access: true`; public: anyone).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { build, compile, list } from '../../../src/api/commands.js';
import { AccessError, ConfigError, DopsErrorGroup } from '../../../src/errors.js';
import { DBT_VERSION } from '../../../src/version.js';
import { caught, makeProject, query, removeProjects, statuses } from '../helpers.js';

afterAll(removeProjects);

const MODELS = {
  'models/a.sql': 'select 1 as id\n',
};

describe('require-dbt-version', () => {
  it('a range that holds the mirrored dbt version builds; dbt_version is in the Jinja context', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nrequire-dbt-version: [">=1.3.0", "<3.0.0"]\n',
      'models/v.sql': "select '{{ dbt_version }}' as v\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(await query(dir, 'select v from v')).toEqual([{ v: DBT_VERSION }]);
  });

  it("a root project outside the range fails before anything runs, naming the file, line and range", async () => {
    const dir = makeProject({ 'dops_project.yml': 'name: proj\nversion: "1.0"\nrequire-dbt-version: ">=1.0.0,<1.5.0"\n', ...MODELS });
    const error = await caught(() => build({ projectDir: dir }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`This version of dbt is not supported with the 'proj' package: dops mirrors dbt ${DBT_VERSION}; 'proj' requires [">=1.0.0,<1.5.0"]`);
    expect(error.location).toEqual({ file: 'dops_project.yml', line: 3 });
    expect(error.hint).toContain('--no-version-check');
  });

  it('an installed package outside the range fails too; --no-version-check and flags: {version_check: false} skip the check', async () => {
    const files = {
      'dbt_packages/old_pkg/dbt_project.yml': "name: old_pkg\nversion: '0.1'\nrequire-dbt-version: ['>=0.20.0', '<1.0.0']\n",
      'dbt_packages/old_pkg/models/pkg_model.sql': 'select 2 as id\n',
      ...MODELS,
    };
    const dir = makeProject(files);
    const error = await caught(() => list({ projectDir: dir }));
    expect(error.message).toContain("not supported with the 'old_pkg' package");
    expect(error.message).toContain('[">=0.20.0","<1.0.0"]');
    expect(error.location).toEqual({ file: 'dbt_packages/old_pkg/dbt_project.yml', line: 3 });
    expect(list({ projectDir: dir, versionCheck: false }).map((node) => node.uniqueId).sort()).toEqual(['model.old_pkg.pkg_model', 'model.proj.a']);
    const flagged = makeProject({ ...files, 'dops_project.yml': 'name: proj\nflags:\n  version_check: false\n' });
    expect(list({ projectDir: flagged }).length).toBe(2);
  });

  it('a malformed range is an error with its line; exact versions and > / <= work', async () => {
    const bad = makeProject({ 'dops_project.yml': 'name: proj\nrequire-dbt-version: "about 1.8"\n', ...MODELS });
    const error = await caught(() => list({ projectDir: bad }));
    expect(error.message).toContain("'about 1.8' in require-dbt-version is not a version range");
    expect(error.location.line).toBe(2);
    const exact = makeProject({ 'dops_project.yml': `name: proj\nrequire-dbt-version: "${DBT_VERSION}"\n`, ...MODELS });
    expect(list({ projectDir: exact }).length).toBe(1);
    const strict = makeProject({ 'dops_project.yml': `name: proj\nrequire-dbt-version: [">${DBT_VERSION}"]\n`, ...MODELS });
    expect((await caught(() => list({ projectDir: strict }))).message).toContain('not supported');
    const upTo = makeProject({ 'dops_project.yml': `name: proj\nrequire-dbt-version: ["<=${DBT_VERSION}", ">1.0"]\n`, ...MODELS });
    expect(list({ projectDir: upTo }).length).toBe(1);
  });
});

const GROUPS = 'version: 2\ngroups:\n  - name: finance\n    owner: {name: Fin}\n  - name: marketing\n    owner: {name: Mark}\n';

describe('model access', () => {
  it('a private model is ref-able from its own group (and by tests on it); from another group or no group it is an error', async () => {
    const dir = makeProject({
      'models/groups.yml': GROUPS,
      'models/finance_private.sql': "{{ config(group='finance', access='private') }}\nselect 1 as id\n",
      'models/finance_report.sql': "{{ config(group='finance') }}\nselect * from {{ ref('finance_private') }}\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: finance_private\n    columns:\n      - name: id\n        data_tests: [unique]\n',
    });
    const outcome = await build({ projectDir: dir });
    expect(statuses(outcome)).toMatchObject({ finance_private: 'success', finance_report: 'success', unique_finance_private_id: 'pass' });

    const other = makeProject({
      'models/groups.yml': GROUPS,
      'models/finance_private.sql': "{{ config(group='finance', access='private') }}\nselect 1 as id\n",
      'models/marketing_model.sql': "{{ config(group='marketing') }}\n\nselect * from {{ ref('finance_private') }}\n",
      'models/loose.sql': "select * from {{ ref('finance_private') }}\n",
    });
    const error = await caught(() => build({ projectDir: other }));
    expect(error).toBeInstanceOf(DopsErrorGroup);
    const messages = (error as DopsErrorGroup).errors.map((e) => e.message).sort();
    expect(messages).toEqual([
      "Node model.proj.loose attempted to reference node model.proj.finance_private, which is not allowed because the referenced node is private to the 'finance' group.",
      "Node model.proj.marketing_model attempted to reference node model.proj.finance_private, which is not allowed because the referenced node is private to the 'finance' group.",
    ]);
    const marketing = (error as DopsErrorGroup).errors.find((e) => e.message.includes('marketing_model'))!;
    expect(marketing).toBeInstanceOf(AccessError);
    expect(marketing.location).toMatchObject({ file: 'models/marketing_model.sql', line: 3 });
  });

  it('access set in properties YAML and dbt_project.yml applies too; public and protected models are open inside the project', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nmodels:\n  proj:\n    restricted:\n      +group: finance\n      +access: private\n',
      'models/groups.yml': GROUPS,
      'models/restricted/secret.sql': 'select 1 as id\n',
      'models/open.sql': "{{ config(group='finance') }}\nselect 2 as id\n",
      'models/yaml_private.sql': 'select 3 as id\n',
      'models/props.yml': 'version: 2\nmodels:\n  - name: yaml_private\n    config:\n      group: finance\n      access: private\n  - name: open\n    access: public\n',
      'models/reader.sql': "{{ config(group='marketing') }}\nselect * from {{ ref('open') }}\n",
      'models/spy.sql': "select * from {{ ref('secret') }} union all select * from {{ ref('yaml_private') }}\n",
    });
    const error = await caught(() => compile({ projectDir: dir }));
    const messages = (error instanceof DopsErrorGroup ? error.errors : [error]).map((e: Error) => e.message);
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toContain('reference node model.proj.secret, which is not allowed because the referenced node is private');
    expect(messages.join('\n')).toContain('reference node model.proj.yaml_private, which is not allowed');
  });

  // https://docs.getdbt.com/docs/build/groups: a group must be declared (name and owner) before nodes join it.
  it('a group no groups: entry declares is an error naming the declared ones', async () => {
    const dir = makeProject({ 'models/groups.yml': GROUPS, 'models/m.sql': "{{ config(group='financ') }}\nselect 1 as id\n" });
    const error = await caught(() => list({ projectDir: dir }));
    expect(error.message).toBe("Invalid group 'financ', expected one of ['finance', 'marketing']");
    expect(error.location.file).toBe('models/m.sql');
    expect(error.hint).toBe("Did you mean 'finance'?");
  });

  it("a package's protected models are ref-able from the root project unless the package sets restrict-access: true", async () => {
    const files = (restrict: boolean) => ({
      'dbt_packages/pkg/dbt_project.yml': `name: pkg\nversion: '1.0'\n${restrict ? 'restrict-access: true\n' : ''}`,
      'dbt_packages/pkg/models/internal.sql': 'select 1 as id\n',
      'dbt_packages/pkg/models/api.sql': "{{ config(access='public') }}\nselect * from {{ ref('internal') }}\n",
      'models/mine.sql': "select * from {{ ref('pkg', 'internal') }}\n",
      'models/ok.sql': "select * from {{ ref('pkg', 'api') }}\n",
    });
    const open = makeProject(files(false));
    expect(compile({ projectDir: open }).map((entry) => entry.name).sort()).toEqual(['api', 'internal', 'mine', 'ok']);
    const closed = makeProject(files(true));
    const error = await caught(() => compile({ projectDir: closed }));
    expect(error).toBeInstanceOf(AccessError);
    expect(error.message).toBe("Node model.proj.mine attempted to reference node model.pkg.internal, which is not allowed because the referenced node is protected to the 'pkg' package.");
    expect(error.location).toMatchObject({ file: 'models/mine.sql', line: 1 });
  });

  // dbt-core 1.10 checks exposures' refs like nodes' (core/dbt/parser/manifest.py `_process_refs`
  // with `is_invalid_private_ref` / `is_invalid_protected_ref`, core/dbt/contracts/graph/manifest.py):
  // an exposure has no group (core/dbt/artifacts/resources/v1/exposure.py), so a private model is
  // never open to it (DbtReferenceError, a parsing error); a semantic model in the model's group is.
  it('an exposure that refs a private model is an error, as in dbt; protected and public models are open to it', async () => {
    const files = {
      'models/groups.yml': GROUPS,
      'models/finance_private.sql': "{{ config(group='finance', access='private') }}\nselect 1 as id\n",
      'models/open.sql': 'select 2 as id\n',
      'models/exposures.yml': `version: 2
exposures:
  - name: board_deck
    type: dashboard
    owner: {name: Ann, email: ann@example.com}
    depends_on:
      - ref('open')
  - name: finance_dashboard
    type: dashboard
    owner: {name: Ann, email: ann@example.com}
    depends_on:
      - ref('open')
      - ref('finance_private')
semantic_models:
  - name: finance_facts
    model: ref('finance_private')
    config: {group: finance}
  - name: loose_facts
    model: ref('finance_private')
`,
    };
    const error = await caught(() => compile({ projectDir: makeProject(files) }));
    const errors = error instanceof DopsErrorGroup ? error.errors : [error];
    expect(errors.map((e: Error) => e.message).sort()).toEqual([
      "Node exposure.proj.finance_dashboard attempted to reference node model.proj.finance_private, which is not allowed because the referenced node is private to the 'finance' group.",
      "Node semantic_model.proj.loose_facts attempted to reference node model.proj.finance_private, which is not allowed because the referenced node is private to the 'finance' group.",
    ]);
    const exposure = errors.find((e: Error) => e.message.includes('exposure.'));
    expect(exposure).toBeInstanceOf(AccessError);
    expect(exposure.location).toEqual({ file: 'models/exposures.yml', line: 8 });
    expect(exposure.hint).toBe('An exposure belongs to no group: make finance_private protected or public.');
    // Without the private ref, the project compiles (the semantic model in the group keeps its ref).
    const fixed = makeProject({ ...files, 'models/exposures.yml': files['models/exposures.yml'].replace("      - ref('finance_private')\n", '').replace(/  - name: loose_facts\n.*\n$/, '') });
    expect(compile({ projectDir: fixed }).map((entry) => entry.name).sort()).toEqual(['finance_private', 'open']);
  });

  it("an exposure may not ref a protected model of a package that sets restrict-access: true", async () => {
    const dir = makeProject({
      'dbt_packages/pkg/dbt_project.yml': "name: pkg\nversion: '1.0'\nrestrict-access: true\n",
      'dbt_packages/pkg/models/internal.sql': 'select 1 as id\n',
      'models/exposures.yml': "version: 2\nexposures:\n  - name: report\n    type: analysis\n    owner: {email: a@example.com}\n    depends_on: [\"ref('pkg', 'internal')\"]\n",
    });
    const error = await caught(() => compile({ projectDir: dir }));
    expect(error).toBeInstanceOf(AccessError);
    expect(error.message).toBe("Node exposure.proj.report attempted to reference node model.pkg.internal, which is not allowed because the referenced node is protected to the 'pkg' package.");
  });
});
