import type express from 'express';

/** One route as express serves it: method and path, parameters written `{name}` as in OpenAPI. */
export interface RouteOp {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Express 5 path syntax (`:id`, `*rest`, `{/:optional}`) in OpenAPI's `{id}` form. */
function openapiPath(p: string): string {
  return p
    .replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '<$1>')
    .replace(/[{}]/g, '')
    .replace(/<([^>]+)>/g, '{$1}');
}

/**
 * Every route the express app serves, read from its router (not from /openapi.json: a route
 * missing from the document is still found). A route given as a regular expression (the
 * console's and portal's single-page fallbacks) is represented by its literal prefix and a `{rest}`.
 */
export function expressRoutes(app: express.Application): RouteOp[] {
  const out: RouteOp[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route) {
        const p = l.route.path;
        const paths =
          typeof p === 'string'
            ? [prefix + openapiPath(p)]
            : p instanceof RegExp
              ? [`${prefix}${(/^\^((?:\\\/[A-Za-z0-9_-]+)+)/.exec(p.source)?.[1] ?? '').replace(/\\\//g, '/')}/{rest}`]
              : Array.isArray(p)
                ? p.filter((x): x is string => typeof x === 'string').map((x) => prefix + openapiPath(x))
                : [];
        for (const method of Object.keys(l.route.methods).filter((m) => m !== '_all')) for (const path of paths) out.push({ method, path });
      } else if (l.handle?.stack) walk(l.handle.stack, prefix + (typeof l.rawPath === 'string' && l.rawPath !== '/' ? l.rawPath : ''));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  // One entry per method and path (a route registered twice is fuzzed once).
  return [...new Map(out.map((o) => [`${o.method} ${o.path}`, o])).values()];
}
