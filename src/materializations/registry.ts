import type { Capabilities } from '../adapter/adapter.js';
import type { Target } from '../config/profiles.js';
import { ConfigError, DopsError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode, ModelNode } from '../manifest/nodes.js';
import { closestNames } from '../parser/similar.js';
import { incrementalConfig } from './incremental.js';
import { snapshotConfig } from './snapshot.js';

/** What the registry knows about one model materialization: the checks it makes at parse time. */
export interface MaterializationKind {
  /** The `materialized` config value (dbt's names). */
  readonly name: string;
  /**
   * Checks a model's config against this kind and the target engine, before anything runs.
   * @throws DopsError naming the model's file
   */
  validate?(model: ModelNode, capabilities: Capabilities, target: Target): void;
}

/** The model materializations dops builds (https://docs.getdbt.com/docs/build/materializations). */
const KINDS: ReadonlyMap<string, MaterializationKind> = new Map(
  [
    { name: 'view' },
    { name: 'table' },
    { name: 'ephemeral' },
    {
      name: 'incremental',
      validate(model: ModelNode, capabilities: Capabilities, target: Target) {
        const config = incrementalConfig(model);
        if (config.strategy === 'merge' && !capabilities.merge) {
          throw new ConfigError(`Model '${model.name}': incremental_strategy 'merge' needs MERGE, which target '${target.name}' (${target.type}) lacks`, { hint: "Use incremental_strategy='delete+insert'." });
        }
      },
    },
    {
      name: 'external',
      validate(model: ModelNode, capabilities: Capabilities, target: Target) {
        if (!capabilities.files) throw new ConfigError(`Model ${model.name} is materialized 'external' (a file), which target '${target.name}' (${target.type}) cannot write: only duckdb writes files`);
      },
    },
  ].map((kind) => [kind.name, kind]),
);

/** The known `materialized` values. */
export const MATERIALIZATIONS: readonly string[] = [...KINDS.keys()];

function located(node: ManifestNode, error: unknown): DopsError {
  if (!(error instanceof DopsError)) throw error;
  if (error.location) return error;
  return new (error.constructor as typeof DopsError)(error.message, { location: { file: node.originalFilePath, line: 'line' in node ? node.line : undefined }, hint: error.hint });
}

/**
 * Checks every node's materialization config at parse time, so `dops compile` and `dops ls` catch
 * what a run would fail on: unknown `materialized` values (with a did-you-mean), incremental
 * strategies and keys, snapshot strategies, and what the target's engine cannot do (file sources,
 * external models).
 * @returns every problem found (each names the node's file); empty when all is well
 */
export function validateMaterializations(manifest: Manifest, target: Target, capabilities: Capabilities): DopsError[] {
  const errors: DopsError[] = [];
  for (const node of manifest.nodes.values()) {
    try {
      if (node.resourceType === 'model') {
        const kind = KINDS.get(node.config.materialized);
        if (!kind) {
          const close = closestNames(node.config.materialized, MATERIALIZATIONS);
          throw new ConfigError(`Unknown materialization '${node.config.materialized}' for model '${node.name}'`, {
            hint: `${close.length ? `Did you mean '${close[0]}'? ` : ''}Use one of: ${MATERIALIZATIONS.join(', ')}.`,
          });
        }
        kind.validate?.(node, capabilities, target);
      } else if (node.resourceType === 'snapshot') {
        snapshotConfig(node.config, node.name);
      } else if (node.resourceType === 'source' && node.externalLocation && !capabilities.files) {
        throw new ConfigError(`Source ${node.sourceName}.${node.name} reads files (external_location), which target '${target.name}' (${target.type}) cannot: only duckdb reads files`);
      }
    } catch (error) {
      errors.push(located(node, error));
    }
  }
  return errors;
}
