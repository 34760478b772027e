/** Who is signed in, for every page: the operator (id, name, role) and the API's paths. */
import { createContext, useContext } from 'react';

export interface Operator {
  id: string;
  name: string;
  role: 'admin' | 'viewer';
}

export const SessionContext = createContext<{ operator: Operator; paths: Set<string> } | null>(null);

/** The signed-in operator; `canWrite` is false for a viewer, and pages then render no write control. */
export function useSession() {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return { ...s, canWrite: s.operator.role === 'admin', has: (path: string) => s.paths.has(path) };
}
