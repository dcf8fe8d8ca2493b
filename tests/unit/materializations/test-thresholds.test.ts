import { describe, expect, it } from 'vitest';
import { CompilationError } from '../../../src/errors.js';
import { conditionHolds, parseCondition, testVerdict } from '../../../src/materializations/test-thresholds.js';
import { thrown } from '../helpers.js';

describe('test thresholds (warn_if / error_if)', () => {
  it('parses comparisons with the failure count', () => {
    expect(parseCondition('>10', 'warn_if', 'f.yml')).toEqual({ operator: '>', value: 10, text: '> 10' });
    expect(parseCondition(' != 0 ', 'error_if', 'f.yml')).toEqual({ operator: '!=', value: 0, text: '!= 0' });
    expect(parseCondition('<=5', 'error_if', 'f.yml').operator).toBe('<=');
  });

  it('rejects anything else, naming the key and the file', () => {
    const error = thrown(() => parseCondition('many', 'warn_if', 'models/schema.yml'));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe('Bad warn_if \'many\': expected a comparison such as ">10" or "!=0"');
    expect(error.location).toEqual({ file: 'models/schema.yml' });
  });

  it('evaluates every operator', () => {
    const holds = (text: string, n: number) => conditionHolds(parseCondition(text, 'k', 'f'), n);
    expect([holds('=3', 3), holds('==3', 4), holds('!=0', 0), holds('<>0', 1)]).toEqual([true, false, false, true]);
    expect([holds('>2', 3), holds('>=3', 3), holds('<3', 3), holds('<=3', 3)]).toEqual([true, true, false, true]);
  });

  it('decides pass, warn or fail as dbt does', () => {
    expect(testVerdict(0, {}, 'f').status).toBe('pass');
    expect(testVerdict(1, {}, 'f').status).toBe('fail');
    expect(testVerdict(1, { severity: 'warn' }, 'f').status).toBe('warn');
    expect(testVerdict(50, { severity: 'warn', error_if: '>10' }, 'f').status).toBe('warn');
    const config = { warn_if: '>10', error_if: '>100' };
    expect([testVerdict(5, config, 'f').status, testVerdict(11, config, 'f').status, testVerdict(101, config, 'f').status]).toEqual(['pass', 'warn', 'fail']);
    expect(testVerdict(101, config, 'f').condition?.text).toBe('> 100');
  });
});
