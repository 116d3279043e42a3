import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Funnel, RetentionReport, ValueGrid, WeeklyReport } from '../api/types';
import { useText } from '../app-context';
import { funnelSeries, mainCurrency, retentionHeatmap, rfmHeatmap, transitionSeries, weeklySalesSeries, weeksBetween } from '../charts/series';
import { Chart } from '../components/chart';
import { Card, QueryState } from '../components/query-state';
import { formatCount, formatMoney } from '../format/money';

export function OverviewPage() {
  const { t, locale, name } = useText();
  const funnel = useQuery({ queryKey: ['funnel'], queryFn: () => api<Funnel>('/v1/analytics/funnel?transitions=false') });
  const weekly = useQuery({ queryKey: ['weekly'], queryFn: () => api<WeeklyReport>('/v1/analytics/weekly') });
  const value = useQuery({ queryKey: ['value'], queryFn: () => api<ValueGrid>('/v1/analytics/value') });
  const retention = useQuery({ queryKey: ['retention'], queryFn: () => api<RetentionReport>('/v1/analytics/retention') });
  return (
    <main data-page="overview">
      <Card title={t('overview.funnel')}>
        <QueryState query={funnel}>
          {(data) => {
            const series = funnelSeries(data.stages, name);
            const total = series.reduce((sum, stage) => sum + stage.value, 0);
            return (
              <>
                <p>
                  {t('overview.total')}: <strong data-testid="total-customers">{formatCount(total, locale)}</strong>
                </p>
                <Chart label="funnel" option={{ tooltip: {}, xAxis: { type: 'category', data: series.map((s) => s.name) }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: series.map((s) => s.value) }] }} />
                <table data-testid="stages">
                  <tbody>
                    {series.map((stage) => (
                      <tr key={stage.key} data-stage={stage.key}>
                        <td>{stage.name}</td>
                        <td className="num">{formatCount(stage.value, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            );
          }}
        </QueryState>
      </Card>
      <Card title={t('overview.sales')}>
        <QueryState query={weekly}>{(data) => <WeeklySales report={data} />}</QueryState>
      </Card>
      <Card title={t('overview.transitions')}>
        <QueryState query={weekly}>
          {(data) => {
            const weeks = weeksBetween(data.period.from, data.period.to);
            const series = transitionSeries(data.transitions, weeks);
            return (
              <Chart
                label="transitions"
                option={{ tooltip: { trigger: 'axis' }, legend: { type: 'scroll' }, xAxis: { type: 'category', data: weeks }, yAxis: { type: 'value' }, series: series.map((s) => ({ name: name(s.stage), type: 'bar', stack: 'to', data: s.data })) }}
              />
            );
          }}
        </QueryState>
      </Card>
      <Card title={t('overview.tiers')}>
        <QueryState query={value}>
          {(data) => (
            <table data-testid="tiers">
              <tbody>
                {Object.entries(data.tiers).map(([tier, customers]) => (
                  <tr key={tier} data-tier={tier}>
                    <td>{name(tier)}</td>
                    <td className="num">{formatCount(customers, locale)}</td>
                  </tr>
                ))}
                <tr data-tier="unscored">
                  <td>{t('overview.unscored')}</td>
                  <td className="num">{formatCount(data.unscored, locale)}</td>
                </tr>
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
      <Card title={t('overview.grid')}>
        <QueryState query={value}>
          {(data) => {
            const heat = rfmHeatmap(data.grid);
            return (
              <Chart
                label="rfm-grid"
                option={{
                  tooltip: {},
                  xAxis: { type: 'category', name: t('overview.frequency'), data: ['1', '2', '3', '4', '5'] },
                  yAxis: { type: 'category', name: t('overview.recency'), data: ['1', '2', '3', '4', '5'] },
                  visualMap: { min: 0, max: Math.max(1, heat.max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
                  grid: { bottom: 70 },
                  series: [{ type: 'heatmap', data: heat.data, label: { show: true } }],
                }}
              />
            );
          }}
        </QueryState>
      </Card>
      <Card title={t('overview.retention')} wide>
        <QueryState query={retention}>
          {(data) => {
            const heat = retentionHeatmap(data.cohorts);
            return (
              <Chart
                label="retention"
                height={Math.max(200, 40 + heat.months.length * 26)}
                option={{
                  tooltip: {},
                  xAxis: { type: 'category', data: heat.offsets.map(String) },
                  yAxis: { type: 'category', data: heat.months, inverse: true },
                  visualMap: { min: 0, max: 100, calculable: true, orient: 'vertical', right: 0, top: 'center' },
                  grid: { right: 80 },
                  series: [{ type: 'heatmap', data: heat.data, label: { show: true } }],
                }}
              />
            );
          }}
        </QueryState>
      </Card>
    </main>
  );
}

function WeeklySales({ report }: { report: WeeklyReport }) {
  const { t, locale } = useText();
  const currencies = useMemo(() => [...new Set(report.sales.map((row) => row.currency))].sort(), [report]);
  const [chosen, setChosen] = useState<string | undefined>();
  const currency = chosen ?? mainCurrency(report.sales) ?? 'EUR';
  const weeks = weeksBetween(report.period.from, report.period.to);
  const series = weeklySalesSeries(report.sales, weeks, currency);
  const totalOrders = series.orders.reduce((a, b) => a + b, 0);
  const totalMinor = report.sales.filter((row) => row.currency === currency).reduce((sum, row) => sum + row.revenue - row.refunds, 0);
  return (
    <>
      <div className="row">
        <select aria-label="currency" value={currency} onChange={(event) => setChosen(event.target.value)}>
          {currencies.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <span>
          {t('overview.orders')}: <strong data-testid="weekly-orders">{formatCount(totalOrders, locale)}</strong>
        </span>
        <span>
          {t('overview.revenue')}: <strong data-testid="weekly-revenue">{formatMoney(totalMinor, currency, locale)}</strong>
        </span>
      </div>
      <Chart
        label="weekly-sales"
        option={{
          tooltip: { trigger: 'axis' },
          legend: {},
          xAxis: { type: 'category', data: weeks },
          yAxis: [{ type: 'value', name: currency }, { type: 'value', name: t('overview.orders') }],
          series: [
            { name: t('overview.revenue'), type: 'bar', data: series.revenue },
            { name: t('overview.orders'), type: 'line', yAxisIndex: 1, data: series.orders },
          ],
        }}
      />
    </>
  );
}
