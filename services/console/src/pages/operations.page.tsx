import { useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, apiText } from '../api/client';
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
              <dt>{t('ops.status')}</dt>
              <dd className={data.status === 'ok' ? 'pass' : 'fail'}>{data.status}</dd>
              <dt>{t('ops.database')}</dt>
              <dd>
                {data.database.kind} {data.database.latencyMs !== undefined ? `${data.database.latencyMs} ms` : data.database.error}
              </dd>
            </dl>
          )}
        </QueryState>
      </Card>
      {can('admin') && <IngestRate />}
      <Card title={t('ops.lag')} wide>
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
      {(can('auditor') || can('marketing')) && <LongJobs />}
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

interface JobRow {
  readonly kind: string;
  readonly id: string;
  readonly status: string;
  readonly done: number;
  readonly total: number;
  readonly startedAt: string;
  /** Why it failed, shown on its row. */
  readonly error?: string | null;
}

interface RecordedJob {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly trigger: string | null;
  readonly phase: string | null;
  readonly done: number;
  readonly total: number;
  readonly startedAt: string;
  readonly error: string | null;
}

/**
 * Jobs that take a while, with their progress: projection rebuilds, prediction fits and replay
 * checks of every process (auditors), segment backfills (marketing, where the engine has segments).
 */
async function longJobs(auditor: boolean, marketing: boolean): Promise<JobRow[]> {
  const rows: JobRow[] = [];
  if (auditor) {
    const recorded = await api<{ jobs: RecordedJob[] }>('/v1/jobs?limit=50');
    rows.push(
      ...recorded.jobs.map((job) => ({
        kind: [job.kind.replace('-', ' '), job.state === 'running' ? job.phase : null, job.trigger].filter(Boolean).join(' · '),
        id: job.id,
        status: job.state,
        done: job.state === 'done' ? Math.max(job.done, job.total) : job.done,
        total: job.state === 'done' ? Math.max(job.done, job.total) : job.total,
        startedAt: job.startedAt,
        error: job.error,
      })),
    );
  }
  if (marketing) {
    const segments = await api<{ segments: Array<{ id: string }> }>('/v1/segments').catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return { segments: [] };
      throw error;
    });
    for (const segment of segments.segments.slice(0, 20)) {
      const detail = await api<{ jobs?: Array<{ jobId: string; version: number; status: string; done: number; total: number; startedAt: string }> }>(`/v1/segments/${encodeURIComponent(segment.id)}`);
      rows.push(...(detail.jobs ?? []).map((job) => ({ kind: `segment ${segment.id} v${job.version}`, id: job.jobId, status: job.status, done: job.done, total: job.total, startedAt: job.startedAt })));
    }
  }
  return rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

function LongJobs() {
  const { t, locale, can } = useText();
  const jobs = useQuery({
    queryKey: ['long-jobs'],
    queryFn: () => longJobs(can('auditor'), can('marketing')),
    refetchInterval: (query) => (query.state.data?.some((job) => job.status === 'running' || job.status === 'pending') ? 2000 : 15_000),
  });
  return (
    <Card title={t('ops.jobs')} wide>
      <QueryState query={jobs}>
        {(data) =>
          data.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <table data-testid="jobs">
              <tbody>
                {data.map((job) => (
                  <tr key={job.id} data-job={job.id}>
                    <td>{job.kind}</td>
                    <td className={job.status === 'failed' ? 'fail' : undefined} title={job.error ?? undefined}>
                      {job.status}
                    </td>
                    <td>{formatInstant(job.startedAt, locale)}</td>
                    <td style={{ width: '35%' }}>
                      <progress max={Math.max(1, job.total)} value={Math.min(job.done, job.total)} aria-label={job.kind} />
                    </td>
                    <td className="num">
                      {formatCount(job.done, locale)} / {formatCount(job.total, locale)}
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
