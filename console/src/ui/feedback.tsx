/**
 * Feedback that names the result of every action ("Event evt_… queued for delivery: pending"), in one
 * live region at the top of the page, so it is announced and stays until dismissed or replaced.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useRouter } from '@tanstack/react-router';
import { Alert } from 'antd';
import { ErrorAlert } from './errors';

interface Item {
  id: number;
  kind: 'success' | 'error';
  text?: string;
  error?: unknown;
}

interface FeedbackApi {
  success: (text: string) => void;
  error: (error: unknown) => void;
  clear: () => void;
}

const FeedbackContext = createContext<FeedbackApi | null>(null);
let seq = 0;

/** Feedback is about the page it was given on: going to another page clears it (feedback given after arriving stays). */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [items, setItems] = useState<Item[]>([]);
  useEffect(() => router.subscribe('onBeforeNavigate', (e) => e.pathChanged && setItems([])), [router]);
  const success = useCallback((text: string) => setItems([{ id: ++seq, kind: 'success', text }]), []);
  const error = useCallback((e: unknown) => setItems([{ id: ++seq, kind: 'error', error: e }]), []);
  const clear = useCallback(() => setItems([]), []);
  const api = useMemo(() => ({ success, error, clear }), [success, error, clear]);
  return (
    <FeedbackContext.Provider value={api}>
      <div role="status" aria-live="polite" data-testid="feedback">
        {items.map((i) =>
          i.kind === 'success' ? (
            <Alert key={i.id} type="success" showIcon closable={{ onClose: clear }} title={i.text} style={{ marginBottom: 16 }} />
          ) : (
            <ErrorAlert key={i.id} error={i.error} />
          ),
        )}
      </div>
      {children}
    </FeedbackContext.Provider>
  );
}

export function useFeedback(): FeedbackApi {
  const f = useContext(FeedbackContext);
  if (!f) throw new Error('useFeedback outside FeedbackProvider');
  return f;
}
