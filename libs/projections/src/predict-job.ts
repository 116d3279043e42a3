import { CUSTOMER_STREAM_PREFIX, ENGINE_SOURCE, PURCHASE_MODEL_STREAM, type ChurnBand, type EventData } from '@journey/contracts';
import { derivedEvent, derivedEventId, readsPredictions, type CurrencyRates } from '@journey/domain';
import type { AppendRequest, AppendResult, EventStore } from '@journey/event-store';
import type { Queryable } from '@journey/database';
import type { PredictionOptions } from '@journey/platform';
import { compressSummaries, fitBgNbd, fitGammaGamma, scoreCustomer, type FittedModels, type PurchaseOutlook } from '@journey/predictions';
import { extractHistories } from './predict-extract';
import { backtest, saveForecast, shopForecast, type Backtest } from './predict-forecast';
import { computeRecommendations, type RecommendationReport } from './recommend-job';
import { LIVE_TABLES } from './customer-360.table';
import { currentBands, PREDICTIONS_TABLE, savePredictions, type PredictionRow } from './predictions.table';
import { SegmentStore } from './segments/segment-store';

export interface PredictJobOptions extends Omit<PredictionOptions, 'intervalMs'> {
  readonly rates: CurrencyRates;
  /** What started the run (recorded in the fit): schedule, cli, api. */
  readonly trigger?: string;
  /**
   * The schedule's slot, for a scheduled run: the fit is named by the slot's start, so the
   * processes running the schedule at once name one fit and only the first scores (the others'
   * ModelFitted is refused). A run asked for (CLI, API) is named by its own instant.
   */
  readonly slotMs?: number;
}

export type PredictPhase = 'extract' | 'fit' | 'score' | 'forecast' | 'recommend';
export type PredictProgress = (phase: PredictPhase, done: number, total: number) => void;

export interface PredictReport {
  readonly fitId: string;
  readonly customers: number;
  readonly repeatCustomers: number;
  readonly params: EventData<'ModelFitted'>['bgNbd'];
  /** The spend model's fit (null when too few customers bought twice to fit it). */
  readonly spend: NonNullable<EventData<'ModelFitted'>['gammaGamma']> | null;
  readonly bandChanges: number;
  /** The backtest's errors (null when the history is too short to hold weeks out). */
  readonly backtest: Pick<Backtest, 'cutoff' | 'holdoutWeeks' | 'model' | 'naive'> | null;
  readonly recommendations: RecommendationReport;
  /** Per phase; `scoring` is the computation within `score` (the rest writes rows and appends band changes). */
  readonly seconds: { readonly extract: number; readonly fit: number; readonly recommend: number; readonly score: number; readonly scoring: number; readonly forecast: number };
}

/** The store refused an event of the run (its id already names other content): nothing is scored under it. */
export class PredictionAppendRefusedError extends Error {
  readonly type = 'prediction-append-refused' as const;
  constructor(
    readonly eventId: string,
    readonly streamId: string,
    readonly reason: string,
  ) {
    super(`${streamId}: event ${eventId} refused: ${reason}`);
    this.name = 'PredictionAppendRefusedError';
  }
}

/** Fewer repeat customers than this and the spend model is not fitted (each customer's own mean stands in). */
const MIN_SPEND_CUSTOMERS = 20;
const PAGE = 10_000;

/**
 * The purchase models' run: every customer who ever bought (forgotten ones aside) read from the
 * 360 in keyset pages, BG/NBD and Gamma-Gamma fitted over them all, the fit appended as a
 * ModelFitted event on the model stream (the fact every prediction names; its id comes from the
 * run's instant, or a scheduled run's slot: see `slotMs`), every customer
 * scored into journey.customer_predictions with their recommendations, a ChurnRiskChanged
 * appended to each customer whose band moved (a first band is where a customer starts, not a
 * change), and the shop's forecast with its backtest stored.
 */
export async function runPredictions(
  db: Queryable,
  store: EventStore,
  options: PredictJobOptions,
  now: Date,
  onProgress: PredictProgress = () => undefined,
): Promise<PredictReport> {
  const started = Date.now();
  const data = await extractHistories(db, options.rates, now.getTime(), (done, total) => onProgress('extract', done, total));
  if (data.ids.length === 0) throw new RangeError('no customer has bought yet: nothing to fit');
  const extracted = Date.now();

  onProgress('fit', 0, 2);
  const n = data.inputs.length;
  const columns = { length: n, frequency: new Int32Array(n), recency: new Float64Array(n), T: new Float64Array(n), weight: new Float64Array(n).fill(1) };
  data.inputs.forEach((input, i) => {
    columns.frequency[i] = input.frequency;
    columns.recency[i] = input.recency;
    columns.T[i] = input.T;
  });
  const bgNbd = fitBgNbd(compressSummaries(columns));
  onProgress('fit', 1, 2);
  const repeat = data.inputs.filter((input) => input.frequency > 0 && input.monetary > 0);
  const gammaGamma =
    repeat.length >= MIN_SPEND_CUSTOMERS
      ? fitGammaGamma({ length: repeat.length, frequency: Int32Array.from(repeat.map((r) => r.frequency)), monetary: Float64Array.from(repeat.map((r) => r.monetary)) })
      : null;
  onProgress('fit', 2, 2);
  const fitted = Date.now();

  const named = options.slotMs ? new Date(Math.floor(now.getTime() / options.slotMs) * options.slotMs) : now;
  const fitId = derivedEventId('ModelFitted', PURCHASE_MODEL_STREAM, named.toISOString());
  const fact: EventData<'ModelFitted'> = {
    fitId,
    model: 'bg-nbd/gamma-gamma',
    timeUnit: 'week',
    window: { from: new Date(data.firstAt).toISOString(), to: now.toISOString() },
    bgNbd: { ...bgNbd.params, logLikelihood: bgNbd.logLikelihood, iterations: bgNbd.iterations, converged: bgNbd.converged, customers: n },
    ...(gammaGamma ? { gammaGamma: { ...gammaGamma.params, logLikelihood: gammaGamma.logLikelihood, iterations: gammaGamma.iterations, converged: gammaGamma.converged, customers: repeat.length } } : {}),
    currency: options.rates.base,
    annualDiscountRate: options.annualDiscountRate,
    durationMs: fitted - started,
    ...(options.trigger ? { trigger: options.trigger } : {}),
  };
  refuseConflicts(
    await store.append(PURCHASE_MODEL_STREAM, [
      { eventId: fitId, type: 'ModelFitted', version: 1, occurredAt: now.toISOString(), source: ENGINE_SOURCE, data: fact, metadata: {} },
    ]),
  );

  const recommendations = await computeRecommendations(db, options, now, (done, total) => onProgress('recommend', done, total));
  const recommended = Date.now();

  const models: FittedModels = { bgNbd: bgNbd.params, gammaGamma: gammaGamma?.params ?? null, meanOrderValue: data.tally.meanOrderValue };
  const before = await currentBands(db);
  let bandChanges = 0;
  const scoredAt = now.toISOString();
  const outlooks = new Map<number | string, PurchaseOutlook>();
  // Segments on prediction fields (pAlive, clv, …) are judged again on the new scores by the segment clock.
  const segmentsReadThem = (await SegmentStore.live(db)).some((segment) => readsPredictions(segment.conditions));
  let computing = 0;
  for (let from = 0; from < n; from += PAGE) {
    const rows: PredictionRow[] = [];
    const changes: AppendRequest[] = [];
    const pageStarted = performance.now();
    for (let i = from; i < Math.min(n, from + PAGE); i++) {
      const input = data.inputs[i]!;
      const prediction = scoreCustomer(models, input, options, outlooks);
      const customerId = data.ids[i]!;
      rows.push({ customerId, frequency: input.frequency, recency: input.recency, T: input.T, ...prediction, recommendations: recommendations.of(customerId) });
      const was: ChurnBand | undefined = before.get(customerId);
      // A first band is where the customer starts, not a change.
      if (was === undefined || was === prediction.churnBand) continue;
      changes.push({
        streamId: CUSTOMER_STREAM_PREFIX + customerId,
        events: [
          derivedEvent('ChurnRiskChanged', {
            customerId,
            cause: [customerId, 'ChurnRiskChanged', fitId, prediction.churnBand],
            occurredAt: scoredAt,
            data: { from: was, to: prediction.churnBand, pAlive: prediction.pAlive, fitId },
          }),
        ],
      });
    }
    computing += performance.now() - pageStarted;
    await savePredictions(db, rows, { fitId, scoredAt, currency: options.rates.base, recommendedAsOf: recommendations.snapshot });
    if (segmentsReadThem) await reviewSegmentsAt(db, rows.map((row) => row.customerId), scoredAt);
    for (let k = 0; k < changes.length; k += 500) {
      const result = refuseConflicts(await store.appendMany(changes.slice(k, k + 500)));
      bandChanges += result.outcomes.filter((o) => o.status === 'appended').length;
    }
    onProgress('score', Math.min(n, from + PAGE), n);
  }
  // Customers no longer scored (forgotten since) keep no predictions.
  await db.query(`DELETE FROM ${PREDICTIONS_TABLE} WHERE fit_id <> $1`, [fitId]);
  const scored = Date.now();

  onProgress('forecast', 0, 2);
  const forecast = shopForecast(models, data, now.getTime());
  onProgress('forecast', 1, 2);
  const tested = backtest(data, data.tally.meanOrderValue);
  onProgress('forecast', 2, 2);
  await saveForecast(db, fitId, scoredAt, options.rates.base, forecast, tested, recommendations.report.check);
  const forecasted = Date.now();
  return {
    fitId,
    customers: n,
    repeatCustomers: repeat.length,
    params: fact.bgNbd,
    spend: fact.gammaGamma ?? null,
    bandChanges,
    recommendations: recommendations.report,
    backtest: tested && { cutoff: tested.cutoff, holdoutWeeks: tested.holdoutWeeks, model: tested.model, naive: tested.naive },
    seconds: { extract: (extracted - started) / 1000, fit: (fitted - extracted) / 1000, recommend: (recommended - fitted) / 1000, score: (scored - recommended) / 1000, scoring: computing / 1000, forecast: (forecasted - scored) / 1000 },
  };
}

function refuseConflicts(result: AppendResult): AppendResult {
  const conflict = result.outcomes.find((outcome) => outcome.status === 'conflict');
  if (conflict?.status === 'conflict') throw new PredictionAppendRefusedError(conflict.eventId, conflict.streamId, conflict.reason);
  return result;
}

/** Brings the customers' segment review forward to `at`, so that the segment clock's next tick judges them. */
async function reviewSegmentsAt(db: Queryable, customerIds: readonly string[], at: string): Promise<void> {
  await db.query(
    `UPDATE ${LIVE_TABLES.customers} SET segment_review_at = $2
     WHERE customer_id = ANY($1::text[]) AND (segment_review_at IS NULL OR segment_review_at > $2)`,
    [customerIds, at],
  );
}
