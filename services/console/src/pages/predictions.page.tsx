import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { useText } from '../app-context';
import { histogram } from '../charts/series';
import { Chart } from '../components/chart';
import { Card, QueryState } from '../components/query-state';

interface ForecastWeek {
  readonly week: string;
  readonly orders?: number;
  readonly expectedOrders?: number;
  readonly actualOrders?: number;
  readonly baselineOrders?: number;
}

interface Forecast {
  readonly weeks?: ForecastWeek[];
  readonly forecast?: ForecastWeek[];
  readonly backtest?: { weeks?: ForecastWeek[]; mape?: number; baselineMape?: number };
}

interface PredictionSummary {
  readonly pAlive?: number[];
  readonly pAliveHistogram?: number[];
  readonly clvDeciles?: Array<{ decile: number; customers?: number; clv?: number; averageClv?: number }>;
}

/** The forecast beside its backtest, the P(alive) distribution and CLV deciles, where the engine has predictions. */
export function PredictionsPage() {
  const { t } = useText();
  const forecast = useQuery({ queryKey: ['forecast'], queryFn: () => api<Forecast>('/v1/analytics/forecast') });
  const summary = useQuery({ queryKey: ['predictions'], queryFn: () => api<PredictionSummary>('/v1/analytics/predictions') });
  return (
    <main data-page="predictions">
      <Card title={t('predictions.forecast')} wide>
        <QueryState query={forecast} unavailableOn404>
          {(data) => {
            const weeks = data.forecast ?? data.weeks ?? [];
            const backtest = data.backtest?.weeks ?? [];
            return (
              <>
                <Chart label="forecast" option={{ tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: weeks.map((w) => w.week) }, yAxis: { type: 'value' }, series: [{ type: 'line', data: weeks.map((w) => w.expectedOrders ?? w.orders ?? 0) }] }} />
                <Chart
                  label="backtest"
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: {},
                    xAxis: { type: 'category', data: backtest.map((w) => w.week) },
                    yAxis: { type: 'value' },
                    series: [
                      { name: 'actual', type: 'line', data: backtest.map((w) => w.actualOrders ?? 0) },
                      { name: 'model', type: 'line', data: backtest.map((w) => w.expectedOrders ?? 0) },
                      { name: 'baseline', type: 'line', data: backtest.map((w) => w.baselineOrders ?? 0) },
                    ],
                  }}
                />
                {data.backtest?.mape !== undefined && (
                  <p>
                    MAPE {data.backtest.mape.toFixed(3)} · baseline {data.backtest.baselineMape?.toFixed(3) ?? '—'}
                  </p>
                )}
              </>
            );
          }}
        </QueryState>
      </Card>
      <Card title={t('predictions.alive')}>
        <QueryState query={summary} unavailableOn404>
          {(data) => {
            const bins = data.pAliveHistogram ?? histogram(data.pAlive ?? [], 10);
            return <Chart label="p-alive" option={{ tooltip: {}, xAxis: { type: 'category', data: bins.map((_, i) => `${i * 10}–${(i + 1) * 10}%`) }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: bins }] }} />;
          }}
        </QueryState>
      </Card>
      <Card title={t('predictions.clv')}>
        <QueryState query={summary} unavailableOn404>
          {(data) => (
            <Chart
              label="clv-deciles"
              option={{ tooltip: {}, xAxis: { type: 'category', data: (data.clvDeciles ?? []).map((d) => `D${d.decile}`) }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: (data.clvDeciles ?? []).map((d) => d.averageClv ?? d.clv ?? 0) }] }}
            />
          )}
        </QueryState>
      </Card>
    </main>
  );
}
