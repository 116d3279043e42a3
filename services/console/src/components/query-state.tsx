import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { useText } from '../app-context';
import { ErrorBoundary } from './error-boundary';

/** Loading, the engine's error, "not available" for a 404 route, or the content. */
export function QueryState<T>({ query, children, unavailableOn404 = false }: { query: UseQueryResult<T>; children: (data: T) => ReactNode; unavailableOn404?: boolean }) {
  const { t } = useText();
  if (query.isPending) return <p className="muted">{t('common.loading')}</p>;
  if (query.isError) {
    const error = query.error;
    if (error instanceof ApiError && error.status === 404 && unavailableOn404) return <p className="unavailable" data-state="unavailable">{t('common.unavailable')}</p>;
    if (error instanceof ApiError && error.status === 403) return <p className="unavailable">{t('common.forbidden')}</p>;
    return (
      <p className="error" role="alert">
        {t('common.error')}: {error.message}
      </p>
    );
  }
  return <>{children(query.data)}</>;
}

/** A titled card; what its content throws shows in the card, the rest of the page stays. */
export function Card({ title, children, wide = false }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'card wide' : 'card'} aria-label={title}>
      <h2>{title}</h2>
      <ErrorBoundary>{children}</ErrorBoundary>
    </section>
  );
}
