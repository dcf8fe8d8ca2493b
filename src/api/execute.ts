/**
 * Types of the commands that run nodes, kept at this path for API users and tests; the pipeline
 * itself is the session's (src/session/session.ts).
 */
export type { ExecutionPlan, RunOutcome } from '../session/session.js';
