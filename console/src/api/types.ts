/**
 * The console's names for the API's types, derived from the generated `paths` of the typed client
 * (clients/node/src/schema.d.ts, written by `npm run contract`): one generated file for the client
 * and the console, so they never disagree.
 *
 * The server's document does not describe every answer yet: many are free-form objects or have no
 * schema at all. Where it is silent, `Data` falls back to a loose JSON object; where it says
 * `unknown`, `Loosen` reads it as `any`. When `npm run contract` picks up a tighter document,
 * these types tighten by themselves and any page that reads a field the API does not have stops
 * compiling: pages never need rewriting to profit from a better document.
 */
import type { components, paths } from '../../../clients/node/src/schema';

export type { paths };
/** A named schema of the document (`Schema<'PortalUser'>`). */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every path that has this method. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M & keyof paths[P]]>] extends [never] ? never : P;
}[keyof paths];

export type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M & keyof paths[P]]>;

/** A JSON object the document does not describe yet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = { [key: string]: any };

/** `unknown` (a free-form value in the document) read as `any`, recursively. */
export type Loosen<T> = unknown extends T
  ? // eslint-disable-next-line @typescript-eslint/no-explicit-any
    any
  : T extends readonly (infer E)[]
    ? Loosen<E>[]
    : T extends object
      ? { [K in keyof T]: Loosen<T[K]> }
      : T;

type OkStatus = 200 | 201 | 202 | 203 | 204;
type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Answer<O> = JsonOf<ResponsesOf<O>[OkStatus & keyof ResponsesOf<O>]>;

/** The success answer of an operation, or a loose object while the document has no schema for it. */
export type Data<P extends keyof paths, M extends Method = 'get'> = [Answer<Operation<P, M>>] extends [never]
  ? JsonObject
  : Loosen<Answer<Operation<P, M>>>;

/** One row of a list answer (`{data: [...], next_cursor}`). */
export type Row<P extends keyof paths> = Data<P> extends { data: readonly (infer R)[] } ? R : JsonObject;

/** The query parameters of an operation. */
export type Query<P extends keyof paths, M extends Method = 'get'> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The JSON body of an operation. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
