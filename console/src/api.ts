/** The console's only way to the server: the public admin API, with the operator token of this tab. */

const TOKEN_KEY = 'partnerpay.operatorToken';

/** An error answer of the API, kept whole so pages can show its message and request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly detail: unknown,
  ) {
    super(message);
  }
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

/** The token is kept in sessionStorage: for this browser tab only, gone when it closes. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    signedOutListeners.forEach((l) => l());
  },
  onSignedOut: (l: Listener) => {
    signedOutListeners.add(l);
    return () => signedOutListeners.delete(l);
  },
};

/** Calls the admin API; a 401 signs the tab out (back to sign-in). */
export async function api<T = any>(method: string, path: string, body?: unknown, token = session.token()): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const requestId = res.headers.get('Request-Id');
  const text = await res.text();
  const json = text ? safeJson(text) : null;
  if (!res.ok) {
    if (res.status === 401 && token === session.token()) session.signOut();
    throw new ApiError(
      res.status,
      json?.code ?? `HTTP_${res.status}`,
      json?.message ?? text.slice(0, 200),
      json?.request_id ?? requestId,
      json?.detail,
    );
  }
  return json as T;
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

/** The API's paths, read from /openapi.json: pages for features not served yet are not shown. */
export async function apiPaths(): Promise<Set<string>> {
  const doc = await api<{ paths: Record<string, unknown> }>('GET', '/openapi.json', undefined, null);
  return new Set(Object.keys(doc.paths ?? {}));
}

/** Fen as yuan for display (money is integer fen everywhere else). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  return `¥${(fen / 100).toFixed(2)}`;
}
