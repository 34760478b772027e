/**
 * The portal's CSRF token: the session cookie is httpOnly (the page never sees it); the token the
 * API answers with the session is kept here, in memory, and sent as X-CSRF-Token on every write.
 */
let csrf: string | null = null;

export const portalCsrf = {
  get: (): string | null => csrf,
  set(token: string | null): void {
    csrf = token;
  },
};
