import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { useText } from '../app-context';
import { backtestSeries, type BacktestWeek } from '../charts/series';
import { Chart } from '../components/chart';
import { Card, QueryState } from '../components/query-state';
import { currencyExponent, formatCount, formatMoney, formatShare } from '../format/money';
import { formatDate } from '../format/time';

interface ForecastReport {
  readonly currency: string;
  readonly computedAt: string;
  readonly totals: { orders: number; revenue: number };
  readonly forecast: ReadonlyArray<{ weekStarting: string; orders: number; existingCustomerOrders: number; newCustomerOrders: number; revenue: number }>;
  readonly backtest: { cutoff: string; weeks: BacktestWeek[]; model: { orders: { mape: number } }; naive: { orders: { mape: number } } } | null;
}

interface PredictionSummary {
  readonly available: boolean;
  readonly customers: number;
  readonly sampled: boolean;
  readonly currency: string | null;
  readonly pAlive: number[];
  readonly churnBands: Record<string, number>;
  readonly clvDeciles: Array<{ decile: number; minClv: number; maxClv: number; averageClv: number; share: number }>;
}

/** The sales forecast beside its backtest, the P(alive) distribution and CLV deciles, where the engine has predictions. */
export function PredictionsPage() {
  const { t, locale } = useText();
  const forecast = useQuery({ queryKey: ['forecast'], queryFn: () => api<ForecastReport>('/v1/analytics/forecast?weeks=13') });
  const summary = useQuery({ queryKey: ['prediction-summary'], queryFn: () => api<PredictionSummary>('/v1/analytics/predictions') });
  return (
    <main data-page="predictions">
      <Card title={t('predictions.forecast')} wide>
        <QueryState query={forecast} unavailableOn404>
          {(data) => {
            const scale = 10 ** currencyExponent(data.currency);
            const backtest = data.backtest ? backtestSeries(data.backtest.weeks) : undefined;
            return (
              <div className="pair">
                <div>
                  <p>
                    {t('predictions.orders')}: <strong data-testid="forecast-orders">{formatCount(data.totals.orders, locale)}</strong> · {t('predictions.revenue')}:{' '}
                    <strong>{formatMoney(data.totals.revenue, data.currency, locale)}</strong>
                  </p>
                  <Chart
                    label="forecast"
                    option={{
                      tooltip: { trigger: 'axis' },
                      legend: {},
                      xAxis: { type: 'category', data: data.forecast.map((week) => formatDate(week.weekStarting, locale, 'UTC')) },
                      yAxis: [{ type: 'value', name: t('predictions.orders') }, { type: 'value', name: data.currency }],
                      series: [
                        { name: t('predictions.orders'), type: 'bar', data: data.forecast.map((week) => Math.round(week.orders * 10) / 10) },
                        { name: t('predictions.revenue'), type: 'line', yAxisIndex: 1, data: data.forecast.map((week) => Math.round(week.revenue / scale)) },
                      ],
                    }}
                  />
                </div>
                <div>
                  {data.backtest && backtest ? (
                    <>
                      <p data-testid="backtest-mape">
                        {t('predictions.mape')}: {t('predictions.model')} {formatShare(data.backtest.model.orders.mape, locale)} · {t('predictions.naive')} {formatShare(data.backtest.naive.orders.mape, locale)}
                      </p>
                      <Chart
                        label="backtest"
                        option={{
                          tooltip: { trigger: 'axis' },
                          legend: {},
                          xAxis: { type: 'category', data: backtest.weeks.map((week) => formatDate(week, locale, 'UTC')) },
                          yAxis: { type: 'value' },
                          series: [
                            { name: t('predictions.actual'), type: 'bar', data: backtest.actual },
                            { name: t('predictions.model'), type: 'line', data: backtest.model },
                            { name: t('predictions.naive'), type: 'line', lineStyle: { type: 'dashed' }, data: backtest.naive },
                          ],
                        }}
                      />
                    </>
                  ) : (
                    <p className="muted">{t('common.none')}</p>
                  )}
                </div>
              </div>
            );
          }}
        </QueryState>
      </Card>
      <Card title={t('predictions.alive')}>
        <QueryState query={summary} unavailableOn404>
          {(data) => !data.available ? <Unavailable /> : (
            <>
              <p className="muted">
                {formatCount(data.customers, locale)} {t('predictions.customers')}
                {data.sampled ? ` · ${t('predictions.sampled')}` : ''}
              </p>
              <Chart
                label="p-alive"
                option={{
                  tooltip: {},
                  xAxis: { type: 'category', data: data.pAlive.map((_, index) => `${index * 10}–${(index + 1) * 10}%`) },
                  yAxis: { type: 'value', axisLabel: { formatter: (value: number) => formatShare(value, locale) } },
                  series: [{ type: 'bar', data: data.pAlive }],
                }}
              />
              <p>
                {t('predictions.bands')}:{' '}
                {Object.entries(data.churnBands)
                  .map(([band, share]) => `${band} ${formatShare(share, locale)}`)
                  .join(' · ')}
              </p>
            </>
          )}
        </QueryState>
      </Card>
      <Card title={t('predictions.clv')}>
        <QueryState query={summary} unavailableOn404>
          {(data) => !data.available ? <Unavailable /> : (
            <table data-testid="clv-deciles">
              <tbody>
                {data.clvDeciles.map((decile) => (
                  <tr key={decile.decile}>
                    <td>D{decile.decile}</td>
                    <td className="num">{formatMoney(decile.averageClv, data.currency ?? 'EUR', locale)}</td>
                    <td className="num muted">
                      {formatMoney(decile.minClv, data.currency ?? 'EUR', locale)} – {formatMoney(decile.maxClv, data.currency ?? 'EUR', locale)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Card>
    </main>
  );
}

function Unavailable() {
  const { t } = useText();
  return (
    <p className="unavailable" data-state="unavailable">
      {t('common.unavailable')}
    </p>
  );
}
