import type { Relation } from '../manifest/nodes.js';
import { TemplateEngine, type TemplateContext, type TemplateSource } from '../templating/engine.js';

/** The parse-context functions whose calls are recorded and replayed. */
const RECORDED = ['ref', 'source', 'config'] as const;

/** The `ref()`, `source()` and `config()` calls a template made at parse time, in order. */
export type ParseCalls = [(typeof RECORDED)[number], unknown[]][];

/** What rendering a template at parse time did: its output and the context calls it made. */
interface ParseRender {
  contents: string;
  output: string;
  calls: ParseCalls;
}

function cacheKey(path: string, self: Relation): string {
  return `${path}\u0000${self.schema}\u0000${self.identifier}`;
}

/**
 * A template engine for watch mode that remembers parse-time renders. Parsing a model only matters
 * for the `ref()`, `source()` and `config()` calls it makes; those depend on the template's text,
 * the macros, the vars and target, and `this`. So a parse render of unchanged text with the same
 * `this` is answered from the cache by replaying the recorded calls into the new parse context,
 * which fills its capture exactly as a real render would.
 *
 * One render is kept per file and `this` (the latest text), so memory stays bounded. Renders at
 * run time (`execute` true) are never cached. The engine is replaced when a macro file changes,
 * and {@link clearParseCache} is called when vars or the target change.
 */
export class ParseCachingEngine extends TemplateEngine {
  private readonly renders = new Map<string, ParseRender>();

  /** Forgets every remembered parse render. */
  clearParseCache(): void {
    this.renders.clear();
  }

  /** The calls recorded when `contents` was last parsed as `path` with this `self`, if it was. */
  recordedCalls(path: string, self: Relation, contents: string): ParseCalls | undefined {
    const known = this.renders.get(cacheKey(path, self));
    return known && known.contents === contents ? known.calls : undefined;
  }

  override render(source: TemplateSource, context: TemplateContext): string {
    if (context.execute !== false) return super.render(source, context);
    const key = cacheKey(source.path, context.this as Relation);
    const known = this.renders.get(key);
    if (known && known.contents === source.contents) {
      for (const [name, args] of known.calls) (context[name] as (...a: unknown[]) => unknown)(...args);
      return known.output;
    }
    const calls: ParseCalls = [];
    const recording: TemplateContext = { ...context };
    for (const name of RECORDED) {
      const original = context[name] as ((...a: unknown[]) => unknown) & Record<string, unknown>;
      if (typeof original !== 'function') continue;
      recording[name] = Object.assign((...args: unknown[]) => {
        const result = original(...args);
        calls.push([name, args]);
        return result;
      }, original);
    }
    const output = super.render(source, recording);
    this.renders.set(key, { contents: source.contents, output, calls });
    return output;
  }
}
