import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { useText } from '../app-context';
import { Card } from '../components/query-state';
import { formatCount } from '../format/money';
import { ConditionEditor, Problems } from './condition-editor';
import { newCondition, problemsAt, toDefinition, toForm, unplacedProblems, type FormContext, type Problem, type SegmentForm } from './segment-form';

export interface SavedSegment {
  readonly id: string;
  readonly name: string;
  readonly definition: Record<string, unknown>;
}

interface BackfillJob {
  readonly jobId: string;
  readonly status: string;
  readonly total: number;
  readonly done: number;
  readonly entered: number;
  readonly exited: number;
}

const BLANK: SegmentForm = { id: '', name: '', description: '', conditions: { kind: 'all', key: 'root', children: [newCondition('field')] } };

/** The definition being edited: from the form, or from the JSON view's text (which may not parse). */
type Current = { readonly ok: true; readonly definition: Record<string, unknown> } | { readonly ok: false; readonly problem: Problem };

function asProblems(error: unknown): Problem[] {
  return error instanceof ApiError ? (error.problem?.errors ?? [{ field: '', reason: error.message }]) : [{ field: '', reason: String(error) }];
}

/**
 * Builds a segment as a form (nested groups, field, event-history and membership conditions), or
 * as JSON behind an advanced toggle; the two views write each other. Each edit is previewed after
 * a pause (the live count); saving starts a backfill whose progress shows. The API's problems
 * appear beside the inputs they name.
 */
export function SegmentBuilder({ segment, segments }: { segment?: SavedSegment; segments: readonly string[] }) {
  const { t } = useText();
  // The predictions' money (CLV, order value) is in the base currency, which their summary names; engines without predictions have none.
  const base = useQuery({ queryKey: ['base-currency'], queryFn: () => api<{ currency: string | null }>('/v1/analytics/predictions').then((summary) => summary.currency ?? null) });
  const baseCurrency = base.data ?? null;
  const context = useMemo(() => ({ baseCurrency }), [baseCurrency]);
  if (base.isPending) return <Card title={t('segments.builder')}>{t('common.loading')}</Card>;
  return <Editor key={segment?.id ?? 'new'} segment={segment} segments={segments} context={context} />;
}

function Editor({ segment, segments, context }: { segment?: SavedSegment; segments: readonly string[]; context: FormContext }) {
  const { t, locale } = useText();
  const client = useQueryClient();
  const initial = useMemo(() => (segment ? toForm(segment.definition, context) : ({ ok: true, form: BLANK } as const)), [segment, context]);
  const [form, setForm] = useState<SegmentForm>(initial.ok ? initial.form : BLANK);
  const [json, setJson] = useState<string | undefined>(initial.ok ? undefined : JSON.stringify(segment!.definition, null, 2));
  const [note, setNote] = useState<string | undefined>(initial.ok ? undefined : `${t('builder.unreadable')}: ${initial.field} ${initial.reason}`);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [count, setCount] = useState<number | undefined>();
  const [job, setJob] = useState<{ segmentId: string; jobId: string } | undefined>();
  const others = segments.filter((id) => id !== form.id);

  const current: Current = useMemo(() => {
    if (json === undefined) return { ok: true, definition: toDefinition(form, context) };
    try {
      return { ok: true, definition: JSON.parse(json) as Record<string, unknown> };
    } catch (error) {
      return { ok: false, problem: { field: 'body', reason: `${t('journeys.invalidJson')}: ${(error as Error).message}` } };
    }
  }, [form, json, context]);
  const body = current.ok ? JSON.stringify(current.definition) : undefined;

  useEffect(() => {
    if (!current.ok) {
      setCount(undefined);
      return setProblems([current.problem]);
    }
    // The preview needs no id or name yet: the count is the conditions'.
    const definition = { ...current.definition, id: current.definition.id || 'preview', name: current.definition.name || 'preview' };
    // An edit cancels the preview of the definition before it: a slower, older answer never shows.
    const superseded = new AbortController();
    const timer = setTimeout(() => {
      api<{ count: number }>('/v1/segments/preview', { method: 'POST', body: definition, signal: superseded.signal }).then(
        (preview) => {
          if (superseded.signal.aborted) return;
          setProblems([]);
          setCount(preview.count);
        },
        (error: unknown) => {
          if (superseded.signal.aborted) return;
          // The count of another definition would read as this one's.
          setCount(undefined);
          setProblems(asProblems(error));
        },
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      superseded.abort();
    };
  }, [body]);

  const toJson = (): void => {
    setJson(JSON.stringify(toDefinition(form, context), null, 2));
    setNote(undefined);
  };
  const toFormView = (): void => {
    if (!current.ok) return setNote(`${t('builder.unreadable')}: ${current.problem.reason}`);
    const reading = toForm(current.definition, context);
    if (!reading.ok) return setNote(`${t('builder.unreadable')}: ${reading.field} ${reading.reason}`);
    setForm(reading.form);
    setJson(undefined);
    setNote(undefined);
  };

  const save = useMutation({
    mutationFn: () => {
      if (!current.ok) throw new ApiError(400, { errors: [current.problem] });
      const id = segment?.id;
      return id ? api<{ id: string; job?: BackfillJob }>(`/v1/segments/${encodeURIComponent(id)}`, { method: 'PUT', body: current.definition }) : api<{ id: string; job?: BackfillJob }>('/v1/segments', { method: 'POST', body: current.definition });
    },
    onSuccess: (saved) => {
      setProblems([]);
      if (saved.job) setJob({ segmentId: saved.id, jobId: saved.job.jobId });
      void client.invalidateQueries({ queryKey: ['segments'] });
    },
    onError: (error) => setProblems(asProblems(error)),
  });
  const progress = useQuery({
    queryKey: ['segment-job', job?.segmentId, job?.jobId],
    queryFn: () => api<BackfillJob>(`/v1/segments/${encodeURIComponent(job!.segmentId)}/jobs/${job!.jobId}`),
    enabled: job !== undefined,
    refetchInterval: (query) => (query.state.data && query.state.data.status !== 'running' && query.state.data.status !== 'pending' ? false : 1000),
  });

  const editing = json === undefined;
  return (
    <Card title={segment ? `${t('segments.builder')}: ${segment.name}` : `${t('segments.builder')}: ${t('builder.new')}`} wide>
      <div className="row">
        <button type="button" aria-pressed={editing} onClick={toFormView} disabled={editing}>
          {t('builder.form')}
        </button>
        <button type="button" aria-pressed={!editing} onClick={toJson} disabled={!editing}>
          {t('builder.json')}
        </button>
      </div>
      {note && <p className="muted" data-testid="builder-note">{note}</p>}
      {editing ? (
        <div className="builder" data-testid="segment-form">
          <div className="row">
            <label>
              {t('builder.id')} <input aria-label={t('builder.id')} value={form.id} disabled={segment !== undefined} onChange={(event) => setForm({ ...form, id: event.target.value })} />
            </label>
            <Problems problems={problemsAt(problems, 'id', true)} />
            <label>
              {t('builder.name')} <input aria-label={t('builder.name')} size={32} value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
            </label>
            <Problems problems={problemsAt(problems, 'name', true)} />
          </div>
          <div className="row">
            <label style={{ flex: 1 }}>
              {t('builder.description')} <input aria-label={t('builder.description')} style={{ width: '60%' }} value={form.description} onChange={(event) => setForm({ ...form, description: event.target.value })} />
            </label>
            <Problems problems={problemsAt(problems, 'description', true)} />
          </div>
          <ConditionEditor input={form.conditions} path="conditions" problems={problems} segments={others} context={context} onChange={(conditions) => setForm({ ...form, conditions })} />
          {form.conditions.kind !== 'all' && form.conditions.kind !== 'any' && (
            <button type="button" onClick={() => setForm({ ...form, conditions: { kind: 'all', key: 'root', children: [form.conditions] } })}>
              {t('builder.group')}
            </button>
          )}
        </div>
      ) : (
        <textarea aria-label={t('segments.builder')} rows={14} value={json} onChange={(event) => setJson(event.target.value)} />
      )}
      <p>
        {t('segments.preview')}: <strong data-testid="preview-count">{count === undefined ? '—' : formatCount(count, locale)}</strong>
      </p>
      {problems.length > 0 && (
        <div data-testid="segment-problems">
          <Problems problems={editing ? unplacedProblems(problems, form) : problems} />
        </div>
      )}
      <button type="button" onClick={() => save.mutate()}>
        {t('journeys.save')}
      </button>
      {progress.data && (
        <p>
          <progress max={Math.max(1, progress.data.total)} value={progress.data.done} aria-label="backfill" /> {progress.data.status} · {formatCount(progress.data.done, locale)} / {formatCount(progress.data.total, locale)} · {t('segments.entered')} {formatCount(progress.data.entered, locale)}
        </p>
      )}
    </Card>
  );
}
