/**
 * TanStack Query over the typed client. A query's key is `[method, path, init]` (openapi-react-query's
 * shape), so a mutation invalidates by path: every query whose path is the mutated path, one of its
 * parents or one of its children is refetched (a new app refreshes the tenant and the tenant list).
 *
 * openapi-react-query would give the same keys, but types its `data` from the document as it is today,
 * which is `never` for the many answers without a schema; `call` falls back to a loose object instead.
 */
import { QueryClient, queryOptions, useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { call, type InitArg } from './client';
import { ApiError } from './errors';
import type { Data, Method, PathsWith } from './types';

/** The options of one GET: feed them to `useSuspenseQuery` in a page and to `ensureQueryData` in its loader. */
export function apiQuery<P extends PathsWith<'get'>>(path: P, ...[init]: InitArg<P, 'get'>) {
  return queryOptions({
    queryKey: ['get', path, init ?? {}] as const,
    queryFn: ({ signal }) => (call as (m: 'get', p: P, i: object) => Promise<Data<P>>)('get', path, { ...(init as object), signal }),
  });
}

/** Whether a query (by key) reads `path` or something under or above it. */
export function touches(key: QueryKey, path: string): boolean {
  const p = key[1];
  if (typeof p !== 'string') return false;
  return p === path || p.startsWith(`${path}/`) || path.startsWith(`${p}/`);
}

/** Refetches every query related to these paths. */
export function invalidatePaths(qc: QueryClient, paths: readonly string[]): Promise<void> {
  return qc.invalidateQueries({ predicate: (q) => paths.some((p) => touches(q.queryKey, p)) });
}

/**
 * One write: `mutate(init)` calls it, and on success every query touching its path (and `also`) is
 * refetched before `onSuccess` runs, so feedback names a result the page already shows.
 */
export function useApiMutation<M extends Exclude<Method, 'get'>, P extends PathsWith<M>>(
  method: M,
  path: P,
  options: { also?: readonly string[]; onSuccess?: (data: Data<P, M>) => void } = {},
) {
  const qc = useQueryClient();
  return useMutation<Data<P, M>, ApiError, InitArg<P, M>[0]>({
    mutationFn: (init) => (call as (m: M, p: P, i: unknown) => Promise<Data<P, M>>)(method, path, init),
    onSuccess: async (data) => {
      await invalidatePaths(qc, [path, ...(options.also ?? [])]);
      options.onSuccess?.(data);
    },
  });
}

/** The console's QueryClient: a 4xx is never retried (it will not change), other failures twice. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => !(error instanceof ApiError && error.isClientError) && count < 2,
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}
