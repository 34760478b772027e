/**
 * The operator's token, kept in sessionStorage: for this browser tab only, gone when it closes.
 * Listeners hear when the tab is signed out (by the operator, or by a 401 from the API).
 */
const TOKEN_KEY = 'partnerpay.operatorToken';
const listeners = new Set<() => void>();

export const operatorSession = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut(): void {
    const had = sessionStorage.getItem(TOKEN_KEY) !== null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (had) listeners.forEach((l) => l());
  },
  onSignedOut(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
