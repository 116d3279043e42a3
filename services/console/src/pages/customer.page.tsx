import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import type { Customer360, CustomerDetail, CustomerPage as CustomerListPage, CustomerPredictions, TimelineEvent } from '../api/types';
import { useText } from '../app-context';
import { Card, QueryState } from '../components/query-state';
import { formatCount, formatMoney, formatShare } from '../format/money';
import { formatInstant, localInputToIso } from '../format/time';

/**
 * The customer id a search names: with an @, the first customer with that e-mail (asked as a
 * filter, which the access log keeps redacted), else the customer with that id (ids may hold an
 * @); null when there is neither. The 360 read on the way is kept for the profile.
 */
async function resolveCustomer(search: string, client: QueryClient): Promise<string | null> {
  if (search.includes('@')) {
    const page = await api<CustomerListPage>(`/v1/customers?email=${encodeURIComponent(search)}&limit=1`);
    if (page.customers[0]) return page.customers[0].customerId;
  }
  try {
    const detail = await api<CustomerDetail>(`/v1/customers/${encodeURIComponent(search)}`);
    client.setQueryData(['customer', detail.customerId], detail);
    return detail.customerId;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function CustomerPage() {
  const { t, can } = useText();
  const client = useQueryClient();
  const initial = decodeURIComponent(window.location.hash.split('/')[2] ?? '');
  const [search, setSearch] = useState(initial);
  const [asked, setAsked] = useState(initial);
  const found = useQuery({ queryKey: ['resolve', asked], queryFn: () => resolveCustomer(asked, client), enabled: asked !== '' && can('marketing') });
  const customerId = can('marketing') ? (found.data ?? undefined) : asked || undefined;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const value = search.trim();
    window.location.hash = `#/customer/${encodeURIComponent(value)}`;
    setAsked(value);
  };
  return (
    <main data-page="customer">
      <Card title={t('customer.search')} wide>
        <form className="row" onSubmit={submit}>
          <input aria-label={t('customer.search')} value={search} onChange={(event) => setSearch(event.target.value)} style={{ minWidth: 320 }} />
          <button type="submit">{t('customer.find')}</button>
        </form>
        {asked && can('marketing') && <QueryState query={found}>{(id) => id === null && <p className="muted">{t('customer.notFound')}</p>}</QueryState>}
      </Card>
      {customerId && can('marketing') && <Profile key={customerId} customerId={customerId} />}
      {customerId && !can('marketing') && (
        <Card title={t('customer.timeline')} wide>
          <StreamTimeline customerId={customerId} />
        </Card>
      )}
      {customerId && <AsOf customerId={customerId} />}
    </main>
  );
}

function Profile({ customerId }: { customerId: string }) {
  const { t } = useText();
  const detail = useQuery({ queryKey: ['customer', customerId], queryFn: () => api<CustomerDetail>(`/v1/customers/${encodeURIComponent(customerId)}`) });
  return (
    <>
      <Card title={t('customer.profile')}>
        <QueryState query={detail}>{(data) => <ProfileFacts customer={data} />}</QueryState>
      </Card>
      <Card title={t('customer.timeline')} wide>
        <JourneyTimeline customerId={customerId} />
      </Card>
    </>
  );
}

function ProfileFacts({ customer }: { customer: CustomerDetail }) {
  const { t, locale, name } = useText();
  const profile = customer.profile;
  return (
    <dl className="kv" data-testid="profile" data-customer={customer.customerId}>
      <dt>id</dt>
      <dd>{customer.customerId}</dd>
      <dt>{t('customer.name')}</dt>
      <dd>{String(profile.name ?? '—')}</dd>
      <dt>{t('customer.email')}</dt>
      <dd>{String(profile.email ?? '—')}</dd>
      <dt>{t('customer.stage')}</dt>
      <dd data-field="stage">{name(customer.lifecycle.stage)}</dd>
      <dt>{t('customer.tier')}</dt>
      <dd data-field="tier">{name(customer.value.tier)}</dd>
      <dt>{t('customer.segment')}</dt>
      <dd>{customer.value.segment ?? '—'}</dd>
      <dt>{t('customer.orders')}</dt>
      <dd data-field="orders">{formatCount(customer.commerce.orders, locale)}</dd>
      <dt>{t('customer.netRevenue')}</dt>
      <dd data-field="net-revenue">{formatMoney(customer.commerce.base.netRevenue, customer.commerce.base.currency, locale)}</dd>
      <dt>{t('customer.lastPurchase')}</dt>
      <dd>{formatInstant(customer.commerce.lastPurchaseAt, locale)}</dd>
      <dt>{t('customer.segments')}</dt>
      <dd data-field="segments">
        {customer.segments.length === 0
          ? '—'
          : customer.segments.map((id) => (
              <a key={id} href={`#/segments/${id}`} style={{ marginRight: '0.5rem' }}>
                {id}
              </a>
            ))}
      </dd>
      {customer.predictions && <PredictionFacts predictions={customer.predictions} />}
    </dl>
  );
}

function PredictionFacts({ predictions }: { predictions: CustomerPredictions }) {
  const { t, locale } = useText();
  return (
    <>
      <dt>{t('predictions.pAlive')}</dt>
      <dd data-field="p-alive">{formatShare(predictions.pAlive, locale)}</dd>
      <dt>{t('predictions.churn')}</dt>
      <dd>{predictions.churnBand}</dd>
      <dt>{t('predictions.expected90d')}</dt>
      <dd data-field="expected-90d">{predictions.expectedPurchases90d.toFixed(2)}</dd>
      <dt>{t('predictions.clv12m')}</dt>
      <dd data-field="clv">{formatMoney(predictions.clv, predictions.currency, locale)}</dd>
      <dt>{t('predictions.recommendations')}</dt>
      <dd>{predictions.recommendations.length > 0 ? predictions.recommendations.join(', ') : '—'}</dd>
    </>
  );
}

/** The whole journey a page at a time: the stream's events with the rules' decisions among them, newest first. */
function JourneyTimeline({ customerId }: { customerId: string }) {
  const { t } = useText();
  const [pages, setPages] = useState<Array<number | undefined>>([undefined]);
  return (
    <>
      {pages.map((before, index) => (
        <JourneyPage key={before ?? 'latest'} customerId={customerId} before={before} last={index === pages.length - 1} onOlder={(next) => setPages([...pages, next])} />
      ))}
      <p className="muted">{t('customer.timelineNote')}</p>
    </>
  );
}

function JourneyPage({ customerId, before, last, onOlder }: { customerId: string; before?: number; last: boolean; onOlder: (next: number) => void }) {
  const { t } = useText();
  const page = useQuery({
    queryKey: ['journey', customerId, before],
    queryFn: () => api<{ events: TimelineEvent[]; decisions: Decision[]; next: number | null }>(`/v1/customers/${encodeURIComponent(customerId)}/journey?limit=200${before ? `&before=${before}` : ''}`),
  });
  return (
    <QueryState query={page}>
      {(data) => (
        <>
          <Timeline events={data.events} decisions={data.decisions} />
          {last && data.next !== null && (
            <button type="button" onClick={() => onOlder(data.next!)}>
              {t('common.next')}
            </button>
          )}
        </>
      )}
    </QueryState>
  );
}

function StreamTimeline({ customerId }: { customerId: string }) {
  const stream = useQuery({ queryKey: ['stream', customerId], queryFn: () => api<{ events: TimelineEvent[] }>(`/v1/streams/customer-${encodeURIComponent(customerId)}/events?limit=1000`) });
  return <QueryState query={stream}>{(data) => <Timeline events={[...data.events].reverse()} />}</QueryState>;
}

interface Decision {
  readonly decidedAt: string;
  readonly ruleId: string;
  readonly decision: string;
  readonly reason: string | null;
  readonly triggerEventId: string;
  readonly action: { channel: string; state: string; sentAt: string | null } | null;
}

function Timeline({ events, decisions = [] }: { events: readonly TimelineEvent[]; decisions?: readonly Decision[] }) {
  const { locale, t } = useText();
  const rows = [
    ...events.map((event) => ({ at: event.occurredAt, key: `e:${event.eventId}`, event })),
    ...decisions.map((decision) => ({ at: decision.decidedAt, key: `d:${decision.ruleId}:${decision.triggerEventId}`, decision })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  if (rows.length === 0) return <p className="muted">{t('common.none')}</p>;
  return (
    <table data-testid="timeline">
      <tbody>
        {rows.map((row) =>
          'event' in row && row.event ? (
            <tr key={row.key} data-event={row.event.eventId}>
              <td>{formatInstant(row.at, locale)}</td>
              <td>
                <strong>{row.event.type}</strong>
              </td>
              <td>{summarise(row.event, locale)}</td>
            </tr>
          ) : (
            <tr key={row.key} data-decision={'decision' in row ? row.decision?.ruleId : ''} className="decision">
              <td>{formatInstant(row.at, locale)}</td>
              <td>
                <strong>⚑ {'decision' in row ? row.decision?.ruleId : ''}</strong>
              </td>
              <td>{'decision' in row && row.decision ? describeDecision(row.decision) : ''}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

function describeDecision(decision: Decision): string {
  const action = decision.action ? ` · ${decision.action.channel}: ${decision.action.state}` : '';
  return `${decision.decision}${decision.reason ? ` (${decision.reason})` : ''}${action}`;
}

/** One line for an event: money in its currency, else its data's fields. */
function summarise(event: TimelineEvent, locale: string): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (typeof data.currency === 'string') {
    const amount = typeof data.total === 'number' ? data.total : typeof data.amount === 'number' ? data.amount : undefined;
    if (amount !== undefined) return `${formatMoney(amount, data.currency, locale)}${typeof data.orderId === 'string' ? ` · ${data.orderId}` : ''}`;
  }
  return Object.entries(data)
    .filter(([, value]) => typeof value !== 'object')
    .slice(0, 4)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(' · ');
}

function AsOf({ customerId }: { customerId: string }) {
  const { t, can, locale, name } = useText();
  const [at, setAt] = useState('');
  const [asked, setAsked] = useState<string | undefined>();
  const view = useQuery({
    queryKey: ['as-of', customerId, asked],
    queryFn: () => api<{ customer: Customer360 } & Record<string, unknown>>(`/v1/audit/customers/${encodeURIComponent(customerId)}/as-of?at=${encodeURIComponent(asked!)}`),
    enabled: asked !== undefined && can('auditor'),
  });
  if (!can('auditor')) return null;
  return (
    <Card title={t('customer.asOfTitle')}>
      <div className="row">
        <input type="datetime-local" aria-label={t('customer.asOf')} value={at} onChange={(event) => setAt(event.target.value)} />
        <button type="button" onClick={() => setAsked(localInputToIso(at) ?? new Date().toISOString())}>
          {t('customer.show')}
        </button>
      </div>
      {asked && (
        <QueryState query={view}>
          {(data) => (
            <dl className="kv" data-testid="as-of">
              <dt>{t('customer.asOf')}</dt>
              <dd>{formatInstant(asked, locale)}</dd>
              <dt>{t('customer.stage')}</dt>
              <dd>{name(data.customer.lifecycle.stage)}</dd>
              <dt>{t('customer.tier')}</dt>
              <dd>{name(data.customer.value.tier)}</dd>
              <dt>{t('customer.orders')}</dt>
              <dd>{formatCount(data.customer.commerce.orders, locale)}</dd>
              <dt>{t('customer.netRevenue')}</dt>
              <dd>{formatMoney(data.customer.commerce.base.netRevenue, data.customer.commerce.base.currency, locale)}</dd>
            </dl>
          )}
        </QueryState>
      )}
    </Card>
  );
}
