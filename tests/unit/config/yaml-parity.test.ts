/**
 * Parity of dops' fast YAML reader (js-yaml with positions from its node events) with the
 * reference reader (the `yaml` package, YAML 1.2 core schema): same values, same errors (message,
 * line, column) and the same line for every entry. The rules followed are described at the top of
 * src/config/yaml-file.ts; the scalar rules are the YAML 1.2 core schema
 * (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlFast, parseYamlReference, parseYamlWithLines } from '../../../src/config/yaml-file.js';

const REPO = resolve(__dirname, '../../..');
const DBT_PACKAGES = '/work/shared/dbt-packages';

function yamlFiles(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === '.git' || name === 'target') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, found);
    else if (/\.ya?ml$/.test(name)) found.push(path);
  }
  return found;
}

/** Every key path in a parsed value, plus paths that do not exist (a missing key, an index past the end). */
function* pathsOf(value: unknown, prefix: (string | number)[] = []): Generator<(string | number)[]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield [...prefix, i];
      yield* pathsOf(value[i], [...prefix, i]);
    }
    yield [...prefix, value.length];
    yield [...prefix, '0'];
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      yield [...prefix, key];
      yield* pathsOf((value as Record<string, unknown>)[key], [...prefix, key]);
    }
    yield [...prefix, 'no_such_key'];
    yield [...prefix, 0];
  }
}

function outcome(read: () => { value: unknown; lineOf(path: (string | number)[]): number | undefined }) {
  try {
    const parsed = read();
    const lines: Record<string, number | undefined> = {};
    for (const path of [[], ...pathsOf(parsed.value)]) lines[JSON.stringify(path)] = parsed.lineOf(path);
    return { value: parsed.value, lines };
  } catch (error) {
    const { message, location } = error as { message: string; location?: unknown };
    return { error: message, location };
  }
}

/** Asserts that both readers agree on `text`; returns whether the fast reader took it. */
function expectParity(text: string, file = 'f.yml'): boolean {
  const reference = outcome(() => parseYamlReference(text, file));
  const fast = outcome(() => parseYamlWithLines(text, file));
  expect(fast, file).toStrictEqual(reference);
  if (!('error' in reference)) expect(parseYaml(text, file)).toStrictEqual(reference.value);
  return parseYamlFast(text) !== null;
}

describe('YAML reader parity on real files', () => {
  it("parses the repo's example project and templates alike", () => {
    const files = yamlFiles(REPO);
    expect(files.length).toBeGreaterThan(5);
    const fast = files.filter((file) => expectParity(readFileSync(file, 'utf8'), file));
    expect(fast.length).toBe(files.length);
  });

  it.runIf(existsSync(DBT_PACKAGES))('parses every YAML file of the shared dbt packages alike', () => {
    const files = yamlFiles(DBT_PACKAGES);
    expect(files.length).toBeGreaterThan(20);
    const fast = files.filter((file) => expectParity(readFileSync(file, 'utf8'), file));
    expect(fast.length).toBeGreaterThan(files.length * 0.9);
  });

  it('parses a generated layered project (the 10k-model benchmark shape) alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dops-yaml-parity-'));
    try {
      const { generateLayeredProject } = await import(join(REPO, 'bench/lib/layered-project.mjs'));
      generateLayeredProject(dir, { models: 300, layers: 3 });
      const files = yamlFiles(dir);
      expect(files.length).toBeGreaterThan(2);
      for (const file of files) expect(expectParity(readFileSync(file, 'utf8'), file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('YAML reader parity on edge cases', () => {
  const scalars = [
    // YAML 1.2 core: no 1.1 booleans, octal, timestamps or sexagesimals
    'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'tRue',
    '~', 'null', 'Null', 'NULL', 'nULL', '', '2001-01-01', '2001-12-14t21:59:43.10-05:00', '12:30:00', '190:20:30',
    '0', '-0', '+0', '017', '0o17', '0o18', '0x1F', '0X1F', '-0x1F', '0b101', '1_000', '+12', '-12',
    '12345678901234567890', '1.5', '1.', '.5', '-.5', '+.5', '1e3', '1E3', '1e+3', '-1.5e-3', '.1e2', '1.0', '1.50',
    '.inf', '.Inf', '.INF', '-.inf', '+.inf', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'nan', 'NaN',
    '"1"', "'true'", '"~"', '"\\u00e9\\x41\\t"', "'it''s'", 'a #comment', 'a#b', 'http://x/#y', '@x', '`x`', '%x',
    '!!str 1', '!!int "3"', '! 12', '&a 1', '"1e3"', 'é🙂', '- a', '[a, b]', '{a: 1}', '[]', '{}',
  ];
  it.each(scalars)('resolves the scalar %j alike', (scalar) => {
    expectParity(`key: ${scalar}\nlist:\n  - ${scalar}\n`);
  });

  const documents: Record<string, string> = {
    'empty file': '',
    'only comments': '# a\n# b\n',
    'document start only': '---\n',
    'document start and mapping': '---\nversion: 2\nmodels:\n  - name: a\n',
    'document start with comment': '--- # c\na: 1\n',
    'content on the document start line': '--- a: 1\n',
    'two documents': 'a: 1\n---\nb: 2\n',
    'document end marker': 'a: 1\n...\n',
    'YAML 1.1 directive': '%YAML 1.1\n---\na: yes\n',
    'merge key (not merged in 1.2)': 'base: &b\n  x: 1\nchild:\n  <<: *b\n  y: 2\n',
    'anchors and aliases': 'a: &x [1, 2]\nb: *x\nc: &s str\nd: *s\n',
    'duplicate key': 'a: 1\nb: 2\na: 3\n',
    'duplicate key spelled differently': 'a: 1\n"a": 2\n',
    'number key and string key alike': '1: a\n"1": b\n',
    'number, boolean and null keys': '1: a\n2.5: b\ntrue: c\n~: d\nnull: e\n',
    'empty key': ': a\n',
    'explicit keys': '? a\n: 1\n? b\n',
    'collection key': '[a, b]: 1\n{c: d}: 2\n',
    '__proto__ key': '__proto__: {polluted: 1}\na: 1\n',
    'empty values': 'a:\nb: ~\nc: ""\nd: []\ne:\n  -\n  - x\n',
    'nested sequences': 'a:\n- - x\n  - y\n- - z\n',
    'sequence at key indent': 'models:\n- name: a\n  columns:\n  - name: id\n',
    'BOM': '\ufeffa: 1\nb:\n  - c\n',
    'CRLF line breaks': 'a: 1\r\nb:\r\n  - c\r\n  - d: |\r\n      x\r\n      y\r\n',
    'lone CR line breaks': 'a: 1\rb: 2\r',
    'tab after colon': 'a:\t1\nb:\t[x]\n',
    'tab indentation': 'a:\n\tb: 1\n',
    'literal block scalar': 'a: |\n  line 1\n\n  line 3\nb: 1\n',
    'folded block scalar': 'a: >\n  one\n  two\n\n    more\n  three\nb: 1\n',
    'block scalar chomping': 'a: |-\n  x\n\nb: |+\n  y\n\nc: >-\n  z\n',
    'block scalar keep at end': 'a: |+\n  y\n\n\n',
    'block scalar with indentation indicator': 'a: |2\n    x\n  y\n',
    'block scalar with more-indented empty first line': 'a: >\n    \n  x\n',
    'block scalar with tab line': 'a: |\n\t\nb: 1\n',
    'block scalar with tab content': 'a: |\n  \tx\n  y\n',
    'empty block scalar': 'a: |\nb: 1\n',
    'block scalar header comment': 'a: | # note\n  x\n',
    'multi-line plain scalar': 'description: this is\n  a long\n\n  text\nb: 1\n',
    'multi-line plain scalar in a sequence': '- a\n  b\n- c\n',
    'multi-line double-quoted scalar': 'a: "one\n  two\\\n  three"\nb: 1\n',
    'multi-line single-quoted scalar': "- x: 'one\n    two'\n",
    'under-indented quoted scalar': 'a: "one\ntwo"\n',
    'under-indented quoted scalar in a sequence entry': '- key: "one\n  two"\n',
    'multi-line flow sequence': 'a: [x,\n  y,\n  z]\nb: 1\n',
    'multi-line flow mapping in a sequence (dbt unit tests)': 'rows:\n  - {\n      id: 1,\n      name: "a",\n    }\n  - {id: 2}\n',
    'under-indented flow sequence': 'a: [x,\ny]\n',
    'flow closing bracket at the key column': 'a: [x,\n  y\n]\n',
    'flow with a comment line': 'a: [x,\n  # c\n  y]\n',
    'nested flows': 'a: {b: [1, {c: d}], e: [[f]]}\n',
    'flow pairs in a sequence': 'a: [x: 1, y]\n',
    'flow mapping with a key without value': 'a: {x, y: 1}\n',
    'comment right after a quote': 'a: "x"# c\n',
    'comment right after a flow': 'a: [x]# c\n',
    'comment right after a flow comma': 'a: [x,# c\n  y]\n',
    'comments everywhere': '# top\na: # after key\n  # before value\n  - x # after item\n  # between\n  - y\nb: 1 # end\n',
    'long implicit key': `${'k'.repeat(1100)}: 1\n`,
    'compact nested mapping': 'a: b: c\n',
    'bad indentation': 'models:\n  - name: a\n   description: x\n',
    'unclosed flow': 'a: [1, 2\nb: 3\n',
    'unclosed quote': 'a: "x\n',
    'reserved indicator': 'a: @x\n',
    'unknown alias': 'a: *nope\n',
    'unicode and emoji': 'name: café\nemoji: "🙂🙃"\n"ключ": значение\n',
    'deep nesting': `${Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`,
    'root sequence': '- a\n- b: 1\n',
    'root scalar': 'just text\n',
    'keys with colons and dashes': '"a:b": 1\n-x: 2\nc-: 3\n',
    'windows path value': 'path: C:\\dir\\file\n',
  };
  it.each(Object.entries(documents))('reads %s alike', (_name, text) => {
    expectParity(text);
  });

  it('takes the fast path for the common shapes and leaves the rest to the yaml package', () => {
    expect(parseYamlFast('version: 2\nmodels:\n  - name: a\n    data_tests: [unique]\n')).not.toBeNull();
    expect(parseYamlFast(documents['multi-line flow mapping in a sequence (dbt unit tests)'])).not.toBeNull();
    expect(parseYamlFast(documents['literal block scalar'])).not.toBeNull();
    for (const name of ['anchors and aliases', 'YAML 1.1 directive', 'duplicate key', 'collection key', 'empty key', 'lone CR line breaks', 'under-indented quoted scalar', 'under-indented flow sequence', 'comment right after a quote']) {
      expect(parseYamlFast(documents[name]), name).toBeNull();
    }
  });

  it('asks the yaml package for a line only when the fast reader cannot answer it', () => {
    const parsed = parseYamlWithLines('1: a\nb:\n  - c\n', 'f.yml');
    expect(parsed.lineOf(['b', 0])).toBe(3);
    expect(parsed.lineOf(['1'])).toBeUndefined(); // the key is the number 1, as the yaml package sees it
    expect(parsed.lineOf(['b', '0'])).toBe(3);
  });
});
