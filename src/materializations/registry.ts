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
  /**
   * True when the kind builds no relation: its model is inlined into its children as a CTE and
   * never runs (`ephemeral`).
   */
  readonly inlined?: boolean;
  /**
   * What the kind needs to know about the current relation to plan its statements: only its
   * `kind` (table, view, or absent: view and table), or its `state` (whether it exists as a table,
   * its columns, the files its view reads: incremental and external; these compile at run time
   * with `is_incremental()` known, so they are never compiled ahead).
   */
  readonly inspects?: 'kind' | 'state';
  /** A custom kind (registered at run time): the runner builds it through its registered builder. */
  readonly custom?: boolean;
}

/** The model materializations dops builds (https://docs.getdbt.com/docs/build/materializations). */
const KINDS: Map<string, MaterializationKind> = new Map<string, MaterializationKind>(
  [
    { name: 'view', inspects: 'kind' as const },
    { name: 'table', inspects: 'kind' as const },
    { name: 'ephemeral', inlined: true },
    {
      name: 'incremental',
      inspects: 'state' as const,
      validate(model: ModelNode, capabilities: Capabilities, target: Target) {
        const config = incrementalConfig(model);
        if (config.strategy === 'merge' && !capabilities.merge) {
          throw new ConfigError(`Model '${model.name}': incremental_strategy 'merge' needs MERGE, which target '${target.name}' (${target.type}) lacks`, { hint: "Use incremental_strategy='delete+insert'." });
        }
      },
    },
    {
      name: 'external',
      inspects: 'state' as const,
      validate(model: ModelNode, capabilities: Capabilities, target: Target) {
        if (!capabilities.files) throw new ConfigError(`Model ${model.name} is materialized 'external' (a file), which target '${target.name}' (${target.type}) cannot write: only duckdb writes files`);
      },
    },
  ].map((kind) => [kind.name, kind]),
);

/** The registered kind of a model's `materialized` value, or undefined for an unknown one. */
export function materializationKind(name: string): MaterializationKind | undefined {
  return KINDS.get(name);
}

/**
 * True when the node is inlined into its children instead of being built (an ephemeral model):
 * it never runs, has no relation, and its SQL becomes a CTE of each child.
 */
export function isInlined(node: ManifestNode): boolean {
  return node.resourceType === 'model' && KINDS.get(node.config.materialized)?.inlined === true;
}

/** True when a run executes the node: not a source, and not inlined (see {@link isInlined}). */
export function isRunnable(node: ManifestNode): boolean {
  return node.resourceType !== 'source' && !isInlined(node);
}

/** The known `materialized` values (a snapshot: kinds registered later are added to {@link knownMaterializations}). */
export const MATERIALIZATIONS: readonly string[] = [...KINDS.keys()];

/** Every registered `materialized` value, built-in and custom. */
export function knownMaterializations(): string[] {
  return [...KINDS.keys()];
}

/**
 * Adds a materialization kind (a custom `{% materialization %}`): `dops compile` then accepts it
 * and validates its configs; the runner builds it through the builder registered for its name
 * (runner/execute-node.ts `registerModelBuilder`).
 * @throws Error when a built-in kind of that name exists
 */
export function registerMaterialization(kind: MaterializationKind): void {
  const existing = KINDS.get(kind.name);
  if (existing && !existing.custom) throw new Error(`materialization '${kind.name}' is built in`);
  KINDS.set(kind.name, { ...kind, custom: true });
}

/** True when a model is compiled only as it starts, because its SQL depends on its relation's state (see {@link MaterializationKind.inspects}). */
export function compilesAtRunTime(node: ManifestNode): boolean {
  return node.resourceType === 'model' && KINDS.get(node.config.materialized)?.inspects !== 'kind';
}

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
          const known = knownMaterializations();
          const close = closestNames(node.config.materialized, known);
          throw new ConfigError(`Unknown materialization '${node.config.materialized}' for model '${node.name}'`, {
            hint: `${close.length ? `Did you mean '${close[0]}'? ` : ''}Use one of: ${known.join(', ')}.`,
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
