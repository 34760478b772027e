/**
 * A surface is one audience of the same app under its own base path: the operators' console at
 * /console today, the sub-merchants' portal at /portal next. Each has its own sign-in, its own
 * principal (an operator with role admin|viewer; a tenant user with role owner|staff|viewer) and its
 * own route folder (routes/<surface>/<page>/). Pages ask the surface what the principal may do
 * (`useCan`), never the role directly, and the nav is built from the routes' `staticData.nav`, so a
 * new page or a new surface is a new route folder, not a change to the shell.
 */
import { createContext, useContext } from 'react';
import type { MessageKey } from '../i18n';

export type SurfaceId = 'console' | 'portal';

/** What a principal may do on a page. `write` is any change; finer actions can be added per surface. */
export type Capability = 'write' | 'admin';

export interface Principal {
  id: string;
  name: string;
  role: string;
}

export interface Surface {
  id: SurfaceId;
  /** Where the surface is served, and its routes' path prefix. */
  basePath: `/${SurfaceId}`;
  title: MessageKey;
  /** Role names as shown in the header. */
  roleLabel: (role: string) => MessageKey;
  can: (principal: Principal, capability: Capability) => boolean;
  signOut: () => void;
}

/** What a route may declare about itself in `staticData`: its place in its surface's nav. */
export interface NavEntry {
  label: MessageKey;
  order: number;
  /** The API path the page reads: the page is shown only when /openapi.json serves it. */
  api?: string;
  /** Roles that see the page (default: every role of the surface). */
  roles?: readonly string[];
}

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    nav?: NavEntry;
  }
}

export interface SurfaceState {
  surface: Surface;
  principal: Principal;
  /** The API paths /openapi.json lists. */
  served: ReadonlySet<string>;
}

export const SurfaceContext = createContext<SurfaceState | null>(null);

export function useSurface(): SurfaceState {
  const s = useContext(SurfaceContext);
  if (!s) throw new Error('useSurface outside a surface');
  return s;
}

/** Whether the signed-in principal may do this: pages render no write control when it may not. */
export function useCan(capability: Capability = 'write'): boolean {
  const { surface, principal } = useSurface();
  return surface.can(principal, capability);
}
