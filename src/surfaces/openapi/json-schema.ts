import { z } from 'zod';

type Json = Record<string, unknown>;

/**
 * Turns zod schemas into OpenAPI 3.1 (JSON Schema 2020-12) and collects the named ones (`.meta({ id })`)
 * under components/schemas; output schemas declare additionalProperties false, so an undeclared field fails.
 */
export class SchemaCollector {
  private readonly named = new Map<string, { json: Json; source: z.ZodType; io: 'input' | 'output' }>();
  private readonly answerNames = new WeakMap<z.ZodType, string>();

  /** The schema with its named parts as `$ref`s into components/schemas. */
  inline(schema: z.ZodType, io: 'input' | 'output'): Json {
    const js = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Json;
    const defs = (js.$defs ?? {}) as Record<string, Json>;
    delete js.$defs;
    delete js.$schema;
    const rename = (id: string) => (io === 'input' ? `${id}Input` : id);
    for (const [id, def] of Object.entries(defs)) {
      const name = rename(id);
      if (!this.named.has(name)) this.named.set(name, { json: rewriteRefs(def, rename) as Json, source: schema, io });
    }
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    if (id) {
      // The root itself is named: z.toJSONSchema inlines a root, so register it and answer a reference.
      const { id: _id, ...rest } = rewriteRefs(js, rename) as Json;
      void _id;
      if (!this.named.has(rename(id))) this.named.set(rename(id), { json: rest, source: schema, io });
      return { $ref: `#/components/schemas/${rename(id)}` };
    }
    return rewriteRefs(js, rename) as Json;
  }

  /** Same as inline: named schemas become references, others stay inline. */
  ref(schema: z.ZodType, io: 'input' | 'output'): Json {
    return this.inline(schema, io);
  }

  /**
   * An answer's schema, always a reference: its own name (`.meta({ id })`), or `name` (from the operation)
   * when it has none, so that every answer is a named component and generated clients get a type name.
   */
  answer(schema: z.ZodType, name: string): Json {
    if ((z.globalRegistry.get(schema) as { id?: string } | undefined)?.id) return this.inline(schema, 'output');
    let given = this.answerNames.get(schema);
    if (!given) {
      given = name;
      for (let i = 2; this.named.has(given); i++) given = `${name}${i}`;
      this.answerNames.set(schema, given);
      this.named.set(given, { json: this.inline(schema, 'output'), source: schema, io: 'output' });
    }
    return { $ref: `#/components/schemas/${given}` };
  }

  /** components/schemas: every named schema met so far. */
  components(): Record<string, Json> {
    return Object.fromEntries([...this.named].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.json]));
  }
}

function rewriteRefs(value: unknown, rename: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, rename));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) out[k] = `#/components/schemas/${rename(v.slice(8))}`;
      else out[k] = rewriteRefs(v, rename);
    }
    return out;
  }
  return value;
}
