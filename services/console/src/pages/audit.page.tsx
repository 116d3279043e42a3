import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AccessEntry, TimelineEvent } from '../api/types';
import { useText } from '../app-context';
import { Card, QueryState } from '../components/query-state';
import { formatCount } from '../format/money';
import { formatInstant, localInputToIso } from '../format/time';

interface VerifyResult {
  readonly streamId: string;
  readonly ok: boolean;
  readonly events: number;
  readonly brokenAt?: number;
  readonly reason?: string;
}

export function AuditPage() {
  return (
    <main data-page="audit">
      <StreamCard />
      <ReplayCard />
      <AccessLogCard />
    </main>
  );
}

function StreamCard() {
  const { t, locale } = useText();
  const [streamId, setStreamId] = useState('');
  const [shown, setShown] = useState<string | undefined>();
  const events = useQuery({ queryKey: ['audit-stream', shown], queryFn: () => api<{ events: Array<TimelineEvent & { streamPosition: number; hash: string }> }>(`/v1/streams/${encodeURIComponent(shown!)}/events?limit=200`), enabled: !!shown });
  const verify = useMutation({ mutationFn: () => api<VerifyResult>(`/v1/audit/verify/${encodeURIComponent(shown!)}`) });
  const verifyAll = useMutation({ mutationFn: () => api<{ ok: boolean; streams: number; events: number; broken: VerifyResult[] }>('/v1/audit/verify') });
  return (
    <Card title={t('audit.stream')} wide>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          verify.reset();
          setShown(streamId.trim());
        }}
      >
        <input aria-label={t('audit.stream')} placeholder="customer-…" value={streamId} onChange={(event) => setStreamId(event.target.value)} style={{ minWidth: 320 }} />
        <button type="submit">{t('customer.show')}</button>
        <button type="button" disabled={!shown} onClick={() => verify.mutate()}>
          {t('audit.verify')}
        </button>
        <button type="button" onClick={() => verifyAll.mutate()}>
          {t('audit.verifyAll')}
        </button>
      </form>
      {verify.data && (
        <p className={verify.data.ok ? 'pass' : 'fail'} data-testid="verify-result">
          {verify.data.ok ? t('audit.ok') : `${t('audit.broken')} @ ${verify.data.brokenAt}: ${verify.data.reason}`} ({formatCount(verify.data.events, locale)})
        </p>
      )}
      {verifyAll.isPending && <progress aria-label={t('audit.verifyAll')} />}
      {verifyAll.data && (
        <p className={verifyAll.data.ok ? 'pass' : 'fail'} data-testid="verify-all-result">
          {verifyAll.data.ok ? t('audit.ok') : t('audit.broken')}: {formatCount(verifyAll.data.streams, locale)} / {formatCount(verifyAll.data.events, locale)}
          {verifyAll.data.broken.map((b) => ` · ${b.streamId}@${b.brokenAt}`).join('')}
        </p>
      )}
      {shown && (
        <QueryState query={events}>
          {(data) => (
            <table data-testid="stream-events">
              <tbody>
                {data.events.map((event) => (
                  <tr key={event.eventId}>
                    <td className="num">{event.streamPosition}</td>
                    <td>{formatInstant(event.occurredAt, locale)}</td>
                    <td>{event.type}</td>
                    <td>
                      <code>{event.hash}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      )}
    </Card>
  );
}

interface ReplayJob {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly events: number;
  readonly total: number;
  readonly progress: number;
  readonly report: { ok: boolean; events: number; seconds: number; differences: number } | null;
  readonly error: string | null;
}

/** The replay check as a job: started, followed every second with its progress, then its report. */
function ReplayCard() {
  const { t, locale } = useText();
  const start = useMutation({ mutationFn: () => api<ReplayJob>('/v1/audit/replay-checks', { method: 'POST' }) });
  const id = start.data?.id;
  const job = useQuery({
    queryKey: ['replay-check', id],
    queryFn: () => api<ReplayJob>(`/v1/audit/replay-checks/${id}`),
    enabled: id !== undefined,
    refetchInterval: (query) => (query.state.data?.status === 'running' || query.state.data === undefined ? 1000 : false),
  });
  const current = job.data ?? start.data;
  const running = start.isPending || current?.status === 'running';
  return (
    <Card title={t('audit.replay')}>
      <div className="row">
        <button type="button" disabled={running} onClick={() => start.mutate()}>
          {running ? t('audit.running') : t('audit.start')}
        </button>
      </div>
      {current && (
        <p>
          <progress aria-label={t('audit.replay')} data-testid="replay-progress" max={1} value={current.progress} /> {formatCount(current.events, locale)} / ~{formatCount(current.total, locale)}
        </p>
      )}
      {start.isError && <p className="error">{start.error.message}</p>}
      {current?.status === 'failed' && <p className="error">{current.error}</p>}
      {current?.report && (
        <p className={current.report.ok ? 'pass' : 'fail'} data-testid="replay-result">
          {current.report.ok ? t('audit.ok') : t('audit.broken')} · {formatCount(current.report.events, locale)} · {t('audit.differences')}: {formatCount(current.report.differences, locale)} · {current.report.seconds.toFixed(1)} s
        </p>
      )}
    </Card>
  );
}

function AccessLogCard() {
  const { t, locale } = useText();
  const [keyId, setKeyId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [after, setAfter] = useState<number | undefined>();
  const query = new URLSearchParams({ ...filter, limit: '50', ...(after ? { after: String(after) } : {}) }).toString();
  const page = useQuery({ queryKey: ['access-log', query], queryFn: () => api<{ entries: AccessEntry[]; next: number | null }>(`/v1/audit/access-log?${query}`) });
  const apply = (): void => {
    const next: Record<string, string> = {};
    if (keyId.trim()) next.keyId = keyId.trim();
    const fromIso = from ? localInputToIso(from) : undefined;
    const toIso = to ? localInputToIso(to) : undefined;
    if (fromIso) next.from = fromIso;
    if (toIso) next.to = toIso;
    setAfter(undefined);
    setFilter(next);
  };
  return (
    <Card title={t('audit.access')} wide>
      <div className="row">
        <input aria-label={t('audit.key')} placeholder={t('audit.key')} value={keyId} onChange={(event) => setKeyId(event.target.value)} />
        <label>
          {t('audit.from')} <input type="datetime-local" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          {t('audit.to')} <input type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
        <button type="button" onClick={apply}>
          {t('audit.filter')}
        </button>
      </div>
      <QueryState query={page}>
        {(data) => (
          <>
            <table data-testid="access-log">
              <tbody>
                {data.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatInstant(entry.at, locale)}</td>
                    <td>{entry.keyId ?? '—'}</td>
                    <td>{entry.role ?? '—'}</td>
                    <td>
                      {entry.method} {entry.path}
                    </td>
                    <td className="num">{entry.status}</td>
                    <td className="num">{entry.durationMs} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.next !== null && (
              <button type="button" onClick={() => setAfter(data.next ?? undefined)}>
                {t('common.next')}
              </button>
            )}
          </>
        )}
      </QueryState>
    </Card>
  );
}
