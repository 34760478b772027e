import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { createQueryClient } from './api/query';
import { operatorSession } from './api/session';
import { LangProvider, LOCALES, storedLang } from './i18n';
import { createAppRouter } from './router';
import './ui/cells.css';

document.documentElement.lang = LOCALES[storedLang()];

const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

// Signed out (by the operator, or by a 401 anywhere): forget every answer and return to sign-in.
operatorSession.onSignedOut(() => {
  queryClient.clear();
  const here = router.state.location.href;
  void router.navigate({ to: '/console/sign-in', search: { redirect: here.startsWith('/console/sign-in') ? undefined : here } });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LangProvider>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </LangProvider>
  </StrictMode>,
);
