import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, apiText } from '../api/client';
import { useText } from '../app-context';
import { Chart } from '../components/chart';
import { Card, QueryState } from '../components/query-state';
import { formatCount } from '../format/money';
import { formatDate, formatInstant } from '../format/time';
import { SegmentBuilder } from '../segments/segment-builder';

interface Segment {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly size: number;
  readonly savedAt: string;
  readonly definition: Record<string, unknown>;
}

interface SegmentDay {
  readonly day: string;
  readonly entered: number;
  readonly exited: number;
  readonly size: number;
}

const history = (id: string) => api<{ days: SegmentDay[] }>(`/v1/segments/${encodeURIComponent(id)}/history`);

/** Saved segments (GET /v1/segments): sizes with trend lines, a builder with a live count, members, entries and exits. */
export function SegmentsPage() {
  const { t } = useText();
  const list = useQuery({ queryKey: ['segments'], queryFn: () => api<{ segments: Segment[] }>('/v1/segments') });
  const [selected, setSelected] = useState<string | undefined>(() => window.location.hash.split('/')[2] || undefined);
  const chosen = list.data?.segments.find((segment) => segment.id === selected);
  return (
    <main data-page="segments">
      <Card title={t('segments.title')} wide>
        <QueryState query={list} unavailableOn404>
          {(data) => <SegmentTable segments={data.segments} onSelect={setSelected} />}
        </QueryState>
      </Card>
      {list.isSuccess && <SegmentBuilder segment={chosen} segments={list.data.segments.map((segment) => segment.id)} />}
      {chosen && <Members key={chosen.id} id={chosen.id} />}
      {chosen && <Flows id={chosen.id} />}
    </main>
  );
}

function SegmentTable({ segments, onSelect }: { segments: Segment[]; onSelect: (id: string) => void }) {
  const { t, locale } = useText();
  if (segments.length === 0) return <p className="muted">{t('common.none')}</p>;
  return (
    <table data-testid="segments">
      <thead>
        <tr>
          <th>{t('segments.name')}</th>
          <th>{t('journeys.version')}</th>
          <th className="num">{t('segments.size')}</th>
          <th>{t('segments.trend')}</th>
        </tr>
      </thead>
      <tbody>
        {segments.map((segment) => (
          <tr key={segment.id} data-segment={segment.id}>
            <td>
              <a href={`#/segments/${segment.id}`} onClick={() => onSelect(segment.id)}>
                {segment.name}
              </a>{' '}
              <span className="muted">{segment.id}</span>
            </td>
            <td>v{segment.version}</td>
            <td className="num" data-field="size">
              {formatCount(segment.size, locale)}
            </td>
            <td style={{ width: 180 }}>
              <Trend id={segment.id} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Trend({ id }: { id: string }) {
  const days = useQuery({ queryKey: ['segment-history', id], queryFn: () => history(id) });
  if (!days.data || days.data.days.length < 2) return null;
  return (
    <Chart
      height={36}
      label={`trend-${id}`}
      option={{ grid: { top: 2, bottom: 2, left: 2, right: 2 }, xAxis: { type: 'category', show: false }, yAxis: { type: 'value', show: false, scale: true }, series: [{ type: 'line', symbol: 'none', data: days.data.days.map((day) => day.size) }] }}
    />
  );
}

function Members({ id }: { id: string }) {
  const { t, locale, name } = useText();
  const [after, setAfter] = useState<string[]>(['']);
  const cursor = after[after.length - 1]!;
  const page = useQuery({
    queryKey: ['segment-members', id, cursor],
    queryFn: () => api<{ members: Array<{ customerId: string; since: string; stage: string; tier: string | null; country: string | null; backfill: boolean }>; next: string | null }>(`/v1/segments/${encodeURIComponent(id)}/members?limit=50${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`),
  });
  const download = async (): Promise<void> => {
    const csv = await apiText(`/v1/segments/${encodeURIComponent(id)}/members.csv`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `segment-${id}.csv`;
    link.click();
  };
  return (
    <Card title={t('segments.members')} wide>
      <div className="row">
        <button type="button" onClick={() => void download()}>
          {t('segments.export')}
        </button>
      </div>
      <QueryState query={page}>
        {(data) => (
          <>
            <table data-testid="members">
              <tbody>
                {data.members.map((member) => (
                  <tr key={member.customerId} data-member={member.customerId}>
                    <td>
                      <a href={`#/customer/${encodeURIComponent(member.customerId)}`}>{member.customerId}</a>
                    </td>
                    <td>{name(member.stage)}</td>
                    <td>{name(member.tier)}</td>
                    <td>{member.country ?? '—'}</td>
                    <td>{formatInstant(member.since, locale)}</td>
                    <td className="muted">{member.backfill ? t('segments.backfill') : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row">
              {after.length > 1 && (
                <button type="button" onClick={() => setAfter(after.slice(0, -1))}>
                  ←
                </button>
              )}
              {data.next && (
                <button type="button" onClick={() => setAfter([...after, data.next!])}>
                  {t('common.next')}
                </button>
              )}
            </div>
          </>
        )}
      </QueryState>
    </Card>
  );
}

function Flows({ id }: { id: string }) {
  const { t, locale } = useText();
  const days = useQuery({ queryKey: ['segment-history', id], queryFn: () => history(id) });
  return (
    <Card title={t('segments.flows')} wide>
      <QueryState query={days}>
        {(data) => (
          <Chart
            label="segment-flows"
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: data.days.map((day) => formatDate(`${day.day}T12:00:00Z`, locale, 'UTC')) },
              yAxis: [{ type: 'value' }, { type: 'value', name: t('segments.size') }],
              series: [
                { name: t('segments.entered'), type: 'bar', stack: 'flow', data: data.days.map((day) => day.entered) },
                { name: t('segments.exited'), type: 'bar', stack: 'flow', data: data.days.map((day) => -day.exited) },
                { name: t('segments.size'), type: 'line', yAxisIndex: 1, data: data.days.map((day) => day.size) },
              ],
            }}
          />
        )}
      </QueryState>
    </Card>
  );
}
