// Light: read by the JSON log (src/reporter/dbt-events.ts), which the fast paths of src/cli/main.ts load.
import { randomUUID } from 'node:crypto';

/**
 * One id per process, shared by the artifacts and the `--log-format json` events of one
 * invocation (dbt's `invocation_id`: https://docs.getdbt.com/reference/events-logging).
 */
export const INVOCATION_ID = randomUUID();
