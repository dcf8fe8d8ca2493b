import type { Manifest } from '../manifest/manifest.js';
import type { ExposureInput, SiteExtras } from './site-data.js';

type Loose = Record<string, unknown>;

function entries(value: unknown): Loose[] {
  if (value instanceof Map) return [...value.values()] as Loose[];
  if (Array.isArray(value)) return value as Loose[];
  if (value && typeof value === 'object') return Object.values(value) as Loose[];
  return [];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

function owner(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Loose;
  const name = str(o.name);
  const email = str(o.email);
  return name && email ? `${name} <${email}>` : (name ?? email);
}

/**
 * Doc blocks, exposures and groups from the manifest, when the project defines them (read by
 * name, tolerant of Map or record shapes and camel- or snake-cased keys, so the site shows them
 * as soon as the parser provides them).
 */
export function manifestExtras(manifest: Manifest): SiteExtras {
  const m = manifest as unknown as Loose;
  const docs: Record<string, string> = {};
  for (const doc of entries(m.docs)) {
    const name = str(doc.name);
    const text = doc.blockContents ?? doc.block_contents ?? doc.contents;
    if (name && typeof text === 'string') docs[name] = text.trim();
  }
  const exposures: ExposureInput[] = entries(m.exposures).map((e) => {
    const dependsOn = (e.dependsOn ?? e.depends_on) as { nodes?: string[] } | undefined;
    return {
      uniqueId: str(e.uniqueId) ?? str(e.unique_id) ?? `exposure.${String(e.name)}`,
      name: String(e.name),
      type: str(e.type),
      owner: owner(e.owner),
      url: str(e.url),
      maturity: str(e.maturity),
      description: str(e.description),
      dependsOn: dependsOn?.nodes ?? [],
      path: str(e.originalFilePath) ?? str(e.original_file_path),
      tags: Array.isArray(e.tags) ? e.tags.map(String) : undefined,
    };
  });
  const groups = entries(m.groups).map((g) => ({ name: String(g.name), owner: owner(g.owner), description: str(g.description) }));
  return { docs, exposures, groups };
}
