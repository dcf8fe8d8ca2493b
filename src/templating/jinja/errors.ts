/**
 * The error the compatibility layer raises for Python errors (TypeError, ValueError, KeyError...)
 * and for Jinja constructs dops does not support. nunjucks adds the template position; the engine
 * turns it into a CompilationError naming file:line.
 */
export class JinjaError extends Error {
  override name = 'JinjaError';
}
