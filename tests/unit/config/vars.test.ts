import { afterEach, describe, expect, it } from 'vitest';
import { envVar, parseCliVars } from '../../../src/config/vars.js';
import { CompilationError, ConfigError } from '../../../src/errors.js';
import { thrown } from '../helpers.js';

describe('parseCliVars', () => {
  it('returns an empty mapping for no or blank input', () => {
    expect(parseCliVars(undefined)).toEqual({});
    expect(parseCliVars('   ')).toEqual({});
  });

  it('reads the JSON form', () => {
    expect(parseCliVars('{"start_date": "2001-01-01", "limit": 10, "flags": [true, null]}')).toEqual({
      start_date: '2001-01-01',
      limit: 10,
      flags: [true, null],
    });
  });

  it('reads the YAML form', () => {
    expect(parseCliVars('start_date: 2001-01-01')).toEqual({ start_date: '2001-01-01' });
    expect(parseCliVars('{k: 1, nested: {a: b}}')).toEqual({ k: 1, nested: { a: 'b' } });
  });

  it.each([['a scalar', '42'], ['a list', '[1, 2]'], ['malformed YAML', '{"a": 1'], ['duplicate keys', '{a: 1, a: 2}']])(
    'rejects %s with a ConfigError and an example',
    (_label, text) => {
      const error = thrown(() => parseCliVars(text));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(`--vars must be a YAML or JSON mapping, got: ${text}`);
      expect(error.hint).toBe(`Example: --vars '{"start_date": "2001-01-01"}'`);
    },
  );
});

describe('envVar', () => {
  const NAME = 'DOPS_UNIT_TEST_ENV_VAR';
  afterEach(() => {
    delete process.env[NAME];
  });

  it('returns the variable when set, ignoring the default', () => {
    process.env[NAME] = 'from-env';
    expect(envVar(NAME)).toBe('from-env');
    expect(envVar(NAME, 'fallback')).toBe('from-env');
  });

  it('returns an empty string when the variable is set to empty', () => {
    process.env[NAME] = '';
    expect(envVar(NAME, 'fallback')).toBe('');
  });

  it('returns the default, as a string, when unset', () => {
    expect(envVar(NAME, 'fallback')).toBe('fallback');
    expect(envVar(NAME, 4)).toBe('4');
  });

  it('raises CompilationError naming the variable when unset without a default', () => {
    const error = thrown(() => envVar(NAME));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe(`Env var required but not provided: '${NAME}'`);
  });
});
