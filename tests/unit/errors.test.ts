import { describe, expect, it } from 'vitest';
import {
  CompilationError,
  ConfigError,
  CycleError,
  DopsError,
  DopsErrorGroup,
  ParseError,
  formatLocation,
  throwIfAny,
} from '../../src/errors.js';
import { thrown } from './helpers.js';

describe('throwIfAny', () => {
  it('does nothing for no errors', () => {
    expect(() => throwIfAny([])).not.toThrow();
  });

  it('throws a single error as itself', () => {
    const only = new ParseError('bad template', { location: { file: 'models/a.sql', line: 3 } });
    expect(thrown(() => throwIfAny([only]))).toBe(only);
  });

  it('throws several errors as one DopsErrorGroup keeping each', () => {
    const first = new ParseError('first', { location: { file: 'models/a.sql', line: 1 } });
    const second = new CompilationError('second', { location: { file: 'models/b.sql', line: 2 } });
    const error = thrown(() => throwIfAny([first, second]));
    expect(error).toBeInstanceOf(DopsErrorGroup);
    expect(error).toBeInstanceOf(DopsError);
    expect(error.message).toBe('2 errors in the project');
    expect(error.errors).toEqual([first, second]);
    expect(error.errors[1].location).toEqual({ file: 'models/b.sql', line: 2 });
  });

  it('a group of one takes the message of its error', () => {
    expect(new DopsErrorGroup([new ConfigError('only one')]).message).toBe('only one');
  });
});

describe('DopsError', () => {
  it('names itself after the concrete class and keeps hint, location and cause', () => {
    const cause = new Error('root');
    const error = new ConfigError('bad', { hint: 'fix it', location: { file: 'dops_project.yml' }, cause });
    expect(error.name).toBe('ConfigError');
    expect(error.hint).toBe('fix it');
    expect(error.location).toEqual({ file: 'dops_project.yml' });
    expect(error.cause).toBe(cause);
  });

  it('CycleError builds its message from the path', () => {
    const error = new CycleError(['a', 'b', 'a']);
    expect(error.message).toBe('Found a cycle: a -> b -> a');
    expect(error.path).toEqual(['a', 'b', 'a']);
  });
});

describe('formatLocation', () => {
  it('prints file, line and column', () => {
    expect(formatLocation({ file: 'models/a.sql', line: 4, column: 7 })).toBe('models/a.sql:4:7');
  });

  it('leaves out unknown parts', () => {
    expect(formatLocation({ file: 'models/a.sql', line: 4 })).toBe('models/a.sql:4');
    expect(formatLocation({ file: 'models/a.sql' })).toBe('models/a.sql');
  });

  it('drops a column without a line', () => {
    expect(formatLocation({ file: 'models/a.sql', column: 7 })).toBe('models/a.sql');
  });
});
