import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, apiText } from '../api/client';
import { useText } from '../app-context';
import { Chart } from '../components/chart';
import { Card, QueryState } from '../components/query-state';
import { formatCount } from '../format/money';

interface SegmentSummary {
  readonly id: string;
  readonly name?: string;
  readonly version?: number;
  readonly size?: number;
  readonly members?: number;
  readonly trend?: ReadonlyArray<{ day?: string; at?: string; size?: number; members?: number }>;
}

interface Flow {
  readonly day?: string;
  readonly week?: string;
  readonly entered: number;
  readonly exited: number;
}

/** Segments as GET /v1/segments defines them; "not available" where the engine has no such route. */
export function SegmentsPage() {
  const { t, locale } = useText();
  const list = useQuery({ queryKey: ['segments'], queryFn: () => api<{ segments: SegmentSummary[] }>('/v1/segments') });
  const [selected, setSelected] = useState<string | undefined>();
  return (
    <main data-page="segments">
      <Card title={t('segments.title')} wide>
        <QueryState query={list} unavailableOn404>
          {(data) => (
            <table data-testid="segments">
              <thead>
                <tr>
                  <th>id</th>
                  <th className="num">{t('segments.size')}</th>
                  <th>{t('segments.trend')}</th>
                </tr>
              </thead>
              <tbody>
                {data.segments.map((segment) => (
                  <tr key={segment.id}>
                    <td>
                      <a href={`#/segments/${segment.id}`} onClick={() => setSelected(segment.id)}>
                        {segment.name ?? segment.id}
                      </a>
                    </td>
                    <td className="num">{formatCount(segment.size ?? segment.members ?? 0, locale)}</td>
                    <td style={{ width: 160 }}>
                      {segment.trend && segment.trend.length > 1 && (
                        <Chart height={40} label={`trend-${segment.id}`} option={{ grid: { top: 2, bottom: 2, left: 2, right: 2 }, xAxis: { type: 'category', show: false }, yAxis: { type: 'value', show: false }, series: [{ type: 'line', symbol: 'none', data: segment.trend.map((point) => point.size ?? point.members ?? 0) }] }} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      {list.isSuccess && <Builder />}
      {selected && <Members id={selected} />}
      {selected && <Flows id={selected} />}
    </main>
  );
}

function Builder() {
  const { t, locale } = useText();
  const [definition, setDefinition] = useState('{\n  "all": [{ "field": "stage", "in": ["at_risk"] }]\n}');
  const preview = useMutation({ mutationFn: async () => api<{ count?: number; size?: number }>('/v1/segments/preview', { method: 'POST', body: { conditions: JSON.parse(definition) as unknown } }) });
  return (
    <Card title={t('segments.builder')}>
      <textarea aria-label={t('segments.builder')} rows={8} value={definition} onChange={(event) => setDefinition(event.target.value)} onBlur={() => preview.mutate()} />
      <p>
        {t('segments.preview')}: <strong>{preview.data ? formatCount(preview.data.count ?? preview.data.size ?? 0, locale) : '—'}</strong>
      </p>
      {preview.isError && <p className="field-error">{preview.error.message}</p>}
    </Card>
  );
}

function Members({ id }: { id: string }) {
  const { t } = useText();
  const [after, setAfter] = useState<string | undefined>();
  const page = useQuery({ queryKey: ['segment-members', id, after], queryFn: () => api<{ customers: Array<{ customerId: string; name?: string | null }>; next: string | null }>(`/v1/segments/${encodeURIComponent(id)}/members?limit=50${after ? `&after=${encodeURIComponent(after)}` : ''}`) });
  const download = async (): Promise<void> => {
    const csv = await apiText(`/v1/segments/${encodeURIComponent(id)}/members.csv`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `${id}.csv`;
    link.click();
  };
  return (
    <Card title={t('segments.members')}>
      <button type="button" onClick={() => void download()}>
        {t('segments.export')}
      </button>
      <QueryState query={page} unavailableOn404>
        {(data) => (
          <>
            <table>
              <tbody>
                {data.customers.map((customer) => (
                  <tr key={customer.customerId}>
                    <td>
                      <a href={`#/customer/${customer.customerId}`}>{customer.customerId}</a>
                    </td>
                    <td>{customer.name ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.next && (
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

function Flows({ id }: { id: string }) {
  const { t } = useText();
  const flows = useQuery({ queryKey: ['segment-flows', id], queryFn: () => api<{ history: Flow[] }>(`/v1/segments/${encodeURIComponent(id)}/history`) });
  return (
    <Card title={t('segments.flows')}>
      <QueryState query={flows} unavailableOn404>
        {(data) => (
          <Chart
            label="segment-flows"
            option={{
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: data.history.map((flow) => flow.day ?? flow.week ?? '') },
              yAxis: { type: 'value' },
              series: [
                { name: t('segments.entered'), type: 'bar', data: data.history.map((flow) => flow.entered) },
                { name: t('segments.exited'), type: 'bar', data: data.history.map((flow) => -flow.exited) },
              ],
            }}
          />
        )}
      </QueryState>
    </Card>
  );
}
