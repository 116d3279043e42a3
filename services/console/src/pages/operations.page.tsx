import { useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, apiText } from '../api/client';
import { useText } from '../app-context';
import { Card, QueryState } from '../components/query-state';
import { formatCount } from '../format/money';
import { formatInstant } from '../format/time';
import { metricTotal } from './metrics';

interface Health {
  readonly status: string;
  readonly database: { kind: string; latencyMs?: number; error?: string };
  readonly lag?: Record<string, { events: number; seconds: number }>;
}

export function OperationsPage() {
  const { t, locale, can } = useText();
  const health = useQuery({ queryKey: ['health'], queryFn: () => fetch('/health').then((response) => response.json() as Promise<Health>), refetchInterval: 5000 });
  return (
    <main data-page="operations">
      <Card title={t('ops.health')}>
        <QueryState query={health}>
          {(data) => (
            <dl className="kv" data-testid="health">
              <dt>status</dt>
              <dd className={data.status === 'ok' ? 'pass' : 'fail'}>{data.status}</dd>
              <dt>database</dt>
              <dd>
                {data.database.kind} {data.database.latencyMs !== undefined ? `${data.database.latencyMs} ms` : data.database.error}
              </dd>
            </dl>
          )}
        </QueryState>
      </Card>
      {can('admin') && <IngestRate />}
      <Card title={`${t('ops.lag')} · ${t('ops.jobs')}`} wide>
        <QueryState query={health}>
          {(data) => (
            <table data-testid="lag">
              <tbody>
                {Object.entries(data.lag ?? {}).map(([consumer, lag]) => (
                  <tr key={consumer} data-consumer={consumer}>
                    <td>{consumer}</td>
                    <td className="num">{formatCount(lag.events, locale)}</td>
                    <td className="num">{lag.seconds.toFixed(1)} s</td>
                    <td style={{ width: '40%' }}>
                      <progress max={1} value={lag.events === 0 ? 1 : 1 / (1 + lag.events / 1000)} aria-label={consumer} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      {can('ingest') && <DeadLetters />}
    </main>
  );
}

function IngestRate() {
  const { t, locale } = useText();
  const last = useRef<{ at: number; total: number } | undefined>(undefined);
  const rate = useQuery({
    queryKey: ['ingest-rate'],
    refetchInterval: 5000,
    queryFn: async () => {
      const total = metricTotal(await apiText('/metrics'), 'journey_append_events_total');
      const now = performance.now();
      const previous = last.current;
      last.current = { at: now, total };
      return { total, perSecond: previous ? ((total - previous.total) * 1000) / (now - previous.at) : undefined };
    },
  });
  return (
    <Card title={t('ops.ingest')}>
      <QueryState query={rate}>
        {(data) => (
          <p>
            <strong data-testid="ingest-rate">{data.perSecond === undefined ? '…' : formatCount(Math.round(data.perSecond), locale)}</strong> · Σ {formatCount(data.total, locale)}
          </p>
        )}
      </QueryState>
    </Card>
  );
}

function DeadLetters() {
  const { t, locale } = useText();
  const page = useQuery({ queryKey: ['dead-letters'], queryFn: () => api<{ deadLetterTopic: string; items: Array<Record<string, unknown>> }>('/v1/dead-letters?limit=50') });
  return (
    <Card title={t('ops.deadLetters')} wide>
      <QueryState query={page}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="muted" data-testid="dead-letters">
              {t('common.none')} ({data.deadLetterTopic})
            </p>
          ) : (
            <table data-testid="dead-letters">
              <tbody>
                {data.items.map((item, index) => (
                  <tr key={String(item.id ?? index)}>
                    <td>{formatInstant(typeof item.recordedAt === 'string' ? item.recordedAt : null, locale)}</td>
                    <td>{String(item.eventType ?? item.type ?? '—')}</td>
                    <td>
                      <pre>{JSON.stringify(item.reasons ?? item.errors ?? item)}</pre>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryState>
    </Card>
  );
}
