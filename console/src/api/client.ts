/**
 * The only code that calls the API: an openapi-fetch client typed by the generated `paths`.
 * One middleware adds the operator's bearer token; a 401 to a request made with the tab's token
 * signs the tab out (the router then returns to sign-in). A 403 is "not allowed", never "signed out".
 * Every non-2xx answer becomes an ApiError (openapi-fetch's onError sees only network errors, so
 * this is done where the answer is read).
 */
import createClient, { type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import { ApiError } from './errors';
import { operatorSession } from './session';
import { portalCsrf } from './portal-session';
import type { Data, Method, paths, PathsWith } from './types';

const bearer: Middleware = {
  onRequest({ request }) {
    // The portal's requests carry its session cookie and, on writes, its CSRF token; never an operator token.
    if (new URL(request.url).pathname.startsWith('/portal/')) {
      const csrf = portalCsrf.get();
      if (csrf && request.method !== 'GET') request.headers.set('X-CSRF-Token', csrf);
      return request;
    }
    const token = operatorSession.token();
    if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    const token = operatorSession.token();
    if (response.status === 401 && token && request.headers.get('Authorization') === `Bearer ${token}`) operatorSession.signOut();
    return undefined;
  },
};

export const client = createClient<paths>({ baseUrl: '', headers: { Accept: 'application/json' } });
client.use(bearer);

export type Init<P extends PathsWith<M>, M extends Method> = MaybeOptionalInit<paths[P], M>;
/** The init argument, optional exactly when the operation has no required parameter or body. */
export type InitArg<P extends PathsWith<M>, M extends Method> = undefined extends Init<P, M> ? [init?: Init<P, M>] : [init: Init<P, M>];

/** Calls one operation and answers its JSON, or throws the API's error as an ApiError. */
export async function call<M extends Method, P extends PathsWith<M>>(method: M, path: P, ...[init]: InitArg<P, M>): Promise<Data<P, M>> {
  const send = client[method.toUpperCase() as Uppercase<M>] as unknown as (
    path: string,
    init?: object,
  ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  const { data, error, response } = await send(path, init as object | undefined);
  if (!response.ok) throw ApiError.from(response, error);
  return data as Data<P, M>;
}

/** A download the API answers as text (a CSV bill): fetched with the token, handed to the browser as a file. */
export async function download<P extends PathsWith<'get'>>(path: P, filename: string, ...[init]: InitArg<P, 'get'>): Promise<void> {
  const { data, error, response } = await (
    client.GET as unknown as (p: string, i: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>
  )(path, { ...(init as object), parseAs: 'text' });
  if (!response.ok) throw ApiError.from(response, typeof error === 'string' ? safeJson(error) : error);
  const url = URL.createObjectURL(new Blob([String(data)], { type: response.headers.get('Content-Type') ?? 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A multipart upload (the document has no body schema for it): same token, same errors. */
export async function upload(path: '/admin/v1/media', form: FormData): Promise<Data<'/admin/v1/media', 'post'>> {
  const { data, error, response } = await (
    client.POST as unknown as (p: string, i: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>
  )(path, { body: form, bodySerializer: (b: FormData) => b });
  if (!response.ok) throw ApiError.from(response, error);
  return data as Data<'/admin/v1/media', 'post'>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The API's own paths, from /openapi.json: a page whose API is not served is not shown. */
export async function servedPaths(): Promise<Set<string>> {
  const res = await fetch('/openapi.json', { headers: { Accept: 'application/json' } });
  if (!res.ok) throw ApiError.from(res, await res.json().catch(() => null));
  const doc = (await res.json()) as { paths?: Record<string, unknown> };
  return new Set(Object.keys(doc.paths ?? {}));
}
