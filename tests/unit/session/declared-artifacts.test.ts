/**
 * Commands are data over the session (src/session/commands.ts): the writer takes only the
 * artifacts a command declares, so a command cannot write a file its declaration does not list.
 * dbt's run-operation writes run_results.json (core/dbt/task/run_operation.py); show and
 * compile --inline write none in dops.
 */
import { describe, expect, it } from 'vitest';
import { OTHER_COMMANDS, RUN_COMMANDS } from '../../../src/session/commands.js';
import { declaredArtifacts } from '../../../src/session/session.js';

const runResults = { results: [], elapsed: 0, args: {}, startedAt: 0 };

describe('declaredArtifacts', () => {
  it('passes the artifacts a command declares', () => {
    expect(declaredArtifacts(OTHER_COMMANDS.runOperation, { manifest: {}, runResults })).toEqual({ manifest: {}, runResults });
    expect(declaredArtifacts(RUN_COMMANDS.build, { manifest: {}, runResults })).toEqual({ manifest: {}, runResults });
    expect(declaredArtifacts(OTHER_COMMANDS.show, {})).toEqual({});
  });

  it('refuses an artifact the command does not declare, naming the command and the file', () => {
    expect(() => declaredArtifacts(OTHER_COMMANDS.show, { runResults })).toThrow('dops show wrote run_results');
    expect(() => declaredArtifacts(OTHER_COMMANDS.compileInline, { manifest: {} })).toThrow('dops compile wrote manifest');
    expect(() => declaredArtifacts(OTHER_COMMANDS.freshness, { catalog: { nodes: {}, sources: {} } as never })).toThrow('dops source freshness wrote catalog');
  });
});
