import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import type { DryRun, RuleResults, RuleView } from '../api/types';
import { useText } from '../app-context';
import { Card, QueryState } from '../components/query-state';
import { formatCount, formatShare } from '../format/money';
import { formatInstant } from '../format/time';
import { liftInterval } from './lift';

export function JourneysPage() {
  const { t } = useText();
  const rules = useQuery({ queryKey: ['rules'], queryFn: () => api<{ rules: RuleView[] }>('/v1/rules') });
  const results = useQuery({ queryKey: ['rule-results'], queryFn: () => api<{ results: RuleResults[] }>('/v1/rules/results') });
  const [selected, setSelected] = useState<string | undefined>();
  return (
    <main data-page="journeys">
      <Card title={t('journeys.rules')} wide>
        <QueryState query={rules}>
          {(data) => (
            <>
              <RuleTable rules={data.rules} results={results.data?.results} onSelect={setSelected} selected={selected} />
              {/* Until the results come (or when they fail), their columns show no figure, and this says why. */}
              <QueryState query={results}>{() => null}</QueryState>
            </>
          )}
        </QueryState>
      </Card>
      {selected && <RuleEditor key={selected} id={selected} />}
      {selected && <DryRunCard id={selected} />}
    </main>
  );
}

/** The rules with their results; `results` undefined while they are not known, so no figure is shown as a zero. */
function RuleTable({ rules, results, selected, onSelect }: { rules: RuleView[]; results: RuleResults[] | undefined; selected?: string; onSelect: (id: string) => void }) {
  const { t, locale } = useText();
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: (rule: RuleView) => api<RuleView>(`/v1/rules/${encodeURIComponent(rule.id)}/${rule.enabled ? 'disable' : 'enable'}`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['rules'] }),
  });
  const byRule = new Map((results ?? []).map((result) => [result.ruleId, result]));
  const count = (value: number | undefined): string => (results === undefined ? '—' : formatCount(value ?? 0, locale));
  if (rules.length === 0) return <p className="muted">{t('common.none')}</p>;
  return (
    <table data-testid="rules">
      <thead>
        <tr>
          <th>id</th>
          <th>{t('journeys.version')}</th>
          <th />
          <th className="num">{t('journeys.matched')}</th>
          <th>{t('journeys.suppressed')}</th>
          <th className="num">{t('journeys.dispatched')}</th>
          <th className="num">{t('journeys.failed')}</th>
          <th className="num">{t('journeys.converted')}</th>
          <th className="num">{t('journeys.lift')}</th>
          <th>{t('journeys.ci')}</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((rule) => {
          const result = byRule.get(rule.id);
          const interval = result ? liftInterval(result) : undefined;
          return (
            <tr key={rule.id} data-rule={rule.id} aria-selected={rule.id === selected}>
              <td>
                <a href={`#/journeys/${rule.id}`} onClick={() => onSelect(rule.id)}>
                  {rule.id}
                </a>
              </td>
              <td>{rule.version}</td>
              <td>
                <button type="button" data-action="toggle" onClick={() => toggle.mutate(rule)}>
                  {rule.enabled ? t('journeys.disable') : t('journeys.enable')}
                </button>{' '}
                <span className={rule.enabled ? 'pass' : 'muted'}>{rule.enabled ? t('journeys.enabled') : t('journeys.disabled')}</span>
              </td>
              <td className="num" data-field="matched">{count(result?.matched)}</td>
              <td>
                {Object.entries(result?.suppressed ?? {})
                  .map(([reason, n]) => `${reason}: ${count(n)}`)
                  .join(', ') || '—'}
              </td>
              <td className="num" data-field="dispatched">{count(result?.dispatched)}</td>
              <td className="num">{count(result?.failed)}</td>
              <td className="num">{count(result?.converted)}</td>
              <td className="num">{formatShare(result?.lift, locale)}</td>
              <td>{interval ? `${formatShare(interval.low, locale)} … ${formatShare(interval.high, locale)}` : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RuleEditor({ id }: { id: string }) {
  const { t, locale } = useText();
  const client = useQueryClient();
  const rule = useQuery({ queryKey: ['rule', id], queryFn: () => api<RuleView & { versions: Array<{ version: number; enabled: boolean; deleted: boolean; savedAt: string }> }>(`/v1/rules/${encodeURIComponent(id)}`) });
  const [draft, setDraft] = useState<string | undefined>();
  const [problems, setProblems] = useState<Array<{ field: string; reason: string }>>([]);
  const [saved, setSaved] = useState(false);
  const save = async (): Promise<void> => {
    setSaved(false);
    let body: unknown;
    try {
      body = JSON.parse(draft ?? '');
    } catch (error) {
      setProblems([{ field: 'body', reason: `${t('journeys.invalidJson')}: ${(error as Error).message}` }]);
      return;
    }
    try {
      await api(`/v1/rules/${encodeURIComponent(id)}`, { method: 'PUT', body });
      setProblems([]);
      setSaved(true);
      await client.invalidateQueries({ queryKey: ['rules'] });
      await client.invalidateQueries({ queryKey: ['rule', id] });
    } catch (error) {
      setProblems(error instanceof ApiError ? (error.problem?.errors ?? [{ field: '', reason: error.message }]) : [{ field: '', reason: String(error) }]);
    }
  };
  return (
    <Card title={`${t('journeys.edit')}: ${id}`}>
      <QueryState query={rule}>
        {(data) => (
          <>
            <textarea aria-label="rule definition" rows={16} value={draft ?? JSON.stringify(data.definition, null, 2)} onChange={(event) => setDraft(event.target.value)} />
            {problems.length > 0 && (
              <ul className="field-error" role="alert" data-testid="rule-problems">
                {problems.map((problem) => (
                  <li key={`${problem.field}:${problem.reason}`}>
                    <code>{problem.field}</code> {problem.reason}
                  </li>
                ))}
              </ul>
            )}
            <div className="row">
              <button type="button" onClick={() => void save()} disabled={draft === undefined}>
                {t('journeys.save')}
              </button>
              {saved && <span className="pass">{t('journeys.saved')}</span>}
            </div>
            <h3>{t('journeys.versions')}</h3>
            <table data-testid="versions">
              <tbody>
                {data.versions.map((version) => (
                  <tr key={version.version}>
                    <td>v{version.version}</td>
                    <td>{version.deleted ? '✕' : version.enabled ? t('journeys.enabled') : t('journeys.disabled')}</td>
                    <td>{formatInstant(version.savedAt, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </QueryState>
    </Card>
  );
}

function DryRunCard({ id }: { id: string }) {
  const { t } = useText();
  const [customerId, setCustomerId] = useState('');
  const run = useMutation({ mutationFn: () => api<DryRun>(`/v1/rules/${encodeURIComponent(id)}/dry-run`, { method: 'POST', body: { customerId: customerId.trim() } }) });
  return (
    <Card title={t('journeys.dryrun')}>
      <div className="row">
        <input aria-label={t('journeys.customerId')} placeholder={t('journeys.customerId')} value={customerId} onChange={(event) => setCustomerId(event.target.value)} />
        <button type="button" onClick={() => run.mutate()}>
          {t('journeys.run')}
        </button>
      </div>
      {run.isError && <p className="error">{run.error.message}</p>}
      {run.data && (
        <table data-testid="dry-run">
          <tbody>
            {[...run.data.trigger.conditions, ...run.data.conditions.conditions].map((trace, index) => (
              <tr key={index}>
                <td>
                  <code>{trace.condition}</code>
                </td>
                <td className={trace.passed ? 'pass' : 'fail'}>{trace.passed ? t('journeys.passed') : t('journeys.failedCheck')}</td>
                <td>
                  <code>{JSON.stringify(trace.actual)}</code>
                </td>
              </tr>
            ))}
            <tr>
              <td>{t('journeys.outcome')}</td>
              <td colSpan={2}>
                <code>{JSON.stringify(run.data.outcome)}</code>
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </Card>
  );
}
