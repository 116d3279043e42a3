import { useState } from 'react';
import { useText } from '../app-context';
import { currencyExponent } from '../format/money';
import type { MessageKey } from '../i18n/messages';
import { childPath, dateInputValue, moneyCurrency, newCondition, problemsAt, withField, withOperator, type ConditionInput, type ConditionKind, type DurationInput, type EventInput, type FieldInput, type FormContext, type MembershipInput, type Problem } from './segment-form';
import { BARE_OPERATORS, DURATION_OPERATORS, DURATION_UNITS, EVENT_TYPES, FIELDS, fieldSpec, HISTORY_KEYS, LIST_OPERATORS, OPERATORS_OF, WINDOW_UNITS } from './segment-vocabulary';

export interface EditorProps<T extends ConditionInput> {
  readonly input: T;
  /** Where the condition sits in the definition (`conditions.all[1]`): the API names its problems so. */
  readonly path: string;
  readonly onChange: (next: ConditionInput) => void;
  readonly onRemove?: () => void;
  readonly problems: readonly Problem[];
  readonly segments: readonly string[];
  readonly context: FormContext;
}

const KINDS: readonly ConditionKind[] = ['field', 'event', 'segment', 'all', 'any', 'not'];

/** One condition of the definition, and below it its conditions, each with the API's problems beside it. */
export function ConditionEditor(props: EditorProps<ConditionInput>) {
  const { t } = useText();
  const { input, path, onRemove, problems } = props;
  const leaf = input.kind !== 'all' && input.kind !== 'any' && input.kind !== 'not';
  return (
    <div className={`condition ${input.kind}`} data-path={path} data-kind={input.kind}>
      <div className="row">
        {body(props)}
        {onRemove && (
          <button type="button" className="remove" aria-label={`${t('builder.remove')} ${path}`} onClick={onRemove}>
            ✕
          </button>
        )}
      </div>
      <Problems problems={problemsAt(problems, path, leaf)} />
      {input.kind === 'all' || input.kind === 'any' ? <Children {...props} input={input} /> : null}
      {input.kind === 'not' && <ConditionEditor {...props} input={input.child} path={childPath(path, input)} onChange={(child) => props.onChange({ ...input, child })} onRemove={undefined} />}
    </div>
  );
}

function body(props: EditorProps<ConditionInput>) {
  const { input } = props;
  switch (input.kind) {
    case 'all':
    case 'any':
    case 'not':
      return <GroupHead {...props} />;
    case 'field':
      return <FieldEditor {...props} input={input} />;
    case 'event':
      return <EventEditor {...props} input={input} />;
    case 'segment':
      return <MembershipEditor {...props} input={input} />;
  }
}

function GroupHead({ input, onChange }: EditorProps<ConditionInput>) {
  const { t } = useText();
  if (input.kind === 'not') return <strong>{t('builder.not')}</strong>;
  if (input.kind !== 'all' && input.kind !== 'any') return null;
  return (
    <select aria-label="group" value={input.kind} onChange={(event) => onChange({ ...input, kind: event.target.value as 'all' | 'any' })}>
      <option value="all">{t('builder.all')}</option>
      <option value="any">{t('builder.any')}</option>
    </select>
  );
}

function Children(props: EditorProps<Extract<ConditionInput, { kind: 'all' | 'any' }>>) {
  const { t } = useText();
  const { input, path, onChange, segments } = props;
  const [kind, setKind] = useState<ConditionKind>('field');
  const replace = (index: number, next: ConditionInput | undefined) =>
    onChange({ ...input, children: next ? input.children.map((child, i) => (i === index ? next : child)) : input.children.filter((_, i) => i !== index) });
  return (
    <div className="children">
      {input.children.map((child, i) => (
        <ConditionEditor key={child.key} {...props} input={child} path={childPath(path, input, i)} onChange={(next) => replace(i, next)} onRemove={() => replace(i, undefined)} />
      ))}
      <div className="row">
        <select aria-label={t('builder.kind')} value={kind} onChange={(event) => setKind(event.target.value as ConditionKind)}>
          {KINDS.map((option) => (
            <option key={option} value={option}>
              {t(`builder.kind.${option}` as MessageKey)}
            </option>
          ))}
        </select>
        <button type="button" aria-label={`${t('builder.add')} ${path}`} onClick={() => onChange({ ...input, children: [...input.children, newCondition(kind, segments)] })}>
          + {t('builder.add')}
        </button>
      </div>
    </div>
  );
}

function FieldEditor({ input, onChange, context }: EditorProps<FieldInput>) {
  const { t, name } = useText();
  const spec = fieldSpec(input.field)!;
  const fieldOption = (field: (typeof FIELDS)[number]) => (
    <option key={field.name} value={field.name}>
      {field.key ? `${field.name}.…` : field.name}
    </option>
  );
  return (
    <>
      <select aria-label={t('builder.field')} value={input.field} onChange={(event) => onChange(withField(input, event.target.value, context))}>
        <optgroup label={t('builder.profile')}>{FIELDS.filter((field) => !field.prediction).map(fieldOption)}</optgroup>
        <optgroup label={t('builder.predictions')}>{FIELDS.filter((field) => field.prediction).map(fieldOption)}</optgroup>
      </select>
      {spec.key && (
        <input
          aria-label={t('builder.fieldKey')}
          size={spec.key === 'currency' ? 4 : 16}
          placeholder={spec.key === 'currency' ? 'EUR' : spec.key === 'consent' ? 'email:marketing' : 'model'}
          value={input.fieldKey}
          onChange={(event) => onChange({ ...input, fieldKey: spec.key === 'currency' ? event.target.value.toUpperCase() : event.target.value })}
        />
      )}
      <select aria-label={t('builder.operator')} value={input.op} onChange={(event) => onChange(withOperator(input, event.target.value as FieldInput['op']))}>
        {OPERATORS_OF[spec.kind].map((op) => (
          <option key={op} value={op}>
            {t(`op.${op}` as MessageKey)}
          </option>
        ))}
      </select>
      {BARE_OPERATORS.has(input.op) ? null : DURATION_OPERATORS.has(input.op) ? (
        <Duration value={input.duration} units={DURATION_UNITS} onChange={(duration) => onChange({ ...input, duration })} />
      ) : LIST_OPERATORS.has(input.op) ? (
        spec.values ? (
          <span role="group" aria-label={t('builder.value')}>
            {spec.values.map((value) => (
              <label key={value} className="choice">
                <input type="checkbox" value={value} checked={input.values.includes(value)} onChange={(event) => onChange({ ...input, values: event.target.checked ? [...input.values, value] : input.values.filter((v) => v !== value) })} />
                {name(value)}
              </label>
            ))}
          </span>
        ) : (
          <input aria-label={t('builder.value')} placeholder="a, b, c" value={input.values.join(', ')} onChange={(event) => onChange({ ...input, values: event.target.value.split(/\s*,\s*/).filter((v, i, all) => v !== '' || i < all.length - 1) })} />
        )
      ) : (
        <ValueInput input={input} onChange={onChange} context={context} />
      )}
    </>
  );
}

/** The single value of a field condition, typed by the field's kind. */
function ValueInput({ input, onChange, context }: { input: FieldInput; onChange: (next: FieldInput) => void; context: FormContext }) {
  const { t, name } = useText();
  const spec = fieldSpec(input.field)!;
  const set = (value: string) => onChange({ ...input, value });
  const label = t('builder.value');
  switch (spec.kind) {
    case 'enum':
      return (
        <select aria-label={label} value={input.value} onChange={(event) => set(event.target.value)}>
          {spec.values!.map((value) => (
            <option key={value} value={value}>
              {name(value)}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <select aria-label={label} value={input.value} onChange={(event) => set(event.target.value)}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      );
    case 'number':
      return <input aria-label={label} type="number" step="any" value={input.value} onChange={(event) => set(event.target.value)} />;
    case 'money': {
      const currency = moneyCurrency(spec, input.fieldKey, context);
      return (
        <>
          <input aria-label={label} type="number" step={currency ? 1 / 10 ** currencyExponent(currency) : 1} value={input.value} onChange={(event) => set(event.target.value)} />
          <span className="muted">{currency ?? t('builder.minor')}</span>
        </>
      );
    }
    case 'date':
      return (
        <>
          <input aria-label={label} type="date" value={dateInputValue(input.value)} onChange={(event) => set(event.target.value ? `${event.target.value}T00:00:00Z` : '')} />
          <span className="muted">{t('builder.utc')}</span>
        </>
      );
    case 'text':
    case 'list':
      return <input aria-label={label} value={input.value} onChange={(event) => set(event.target.value)} />;
  }
}

function EventEditor({ input, onChange }: EditorProps<EventInput>) {
  const { t } = useText();
  const keys = HISTORY_KEYS[input.event] ?? [];
  return (
    <>
      <select aria-label={t('builder.event')} value={input.event} onChange={(event) => onChange({ ...input, event: event.target.value, whereKey: (HISTORY_KEYS[event.target.value] ?? []).includes(input.whereKey) ? input.whereKey : '' })}>
        {EVENT_TYPES.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </select>
      {keys.length > 0 && (
        <>
          <select aria-label={t('builder.where')} value={input.whereKey} onChange={(event) => onChange({ ...input, whereKey: event.target.value })}>
            <option value="">{t('builder.whereNone')}</option>
            {keys.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
          {input.whereKey !== '' && <input aria-label={t('builder.whereValue')} size={12} value={input.whereValue} onChange={(event) => onChange({ ...input, whereValue: event.target.value })} />}
        </>
      )}
      <label>
        {t('builder.atLeast')} <input aria-label={t('builder.atLeast')} type="number" min={0} step={1} size={4} value={input.atLeast} onChange={(event) => onChange({ ...input, atLeast: event.target.value })} />
      </label>
      <label>
        {t('builder.atMost')} <input aria-label={t('builder.atMost')} type="number" min={0} step={1} size={4} value={input.atMost} onChange={(event) => onChange({ ...input, atMost: event.target.value })} />
      </label>
      <span>{t('builder.times')},</span>
      <label>
        {t('builder.within')} <Duration value={input.within} units={WINDOW_UNITS} onChange={(within) => onChange({ ...input, within })} />
      </label>
    </>
  );
}

function MembershipEditor({ input, onChange, segments }: EditorProps<MembershipInput>) {
  const { t } = useText();
  const choices = segments.includes(input.segment) || input.segment === '' ? segments : [input.segment, ...segments];
  return (
    <>
      <select aria-label="membership" value={String(input.member)} onChange={(event) => onChange({ ...input, member: event.target.value === 'true' })}>
        <option value="true">{t('builder.member')}</option>
        <option value="false">{t('builder.notMember')}</option>
      </select>
      <select aria-label={t('builder.segment')} value={input.segment} onChange={(event) => onChange({ ...input, segment: event.target.value })}>
        {input.segment === '' && <option value="">—</option>}
        {choices.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </>
  );
}

function Duration({ value, units, onChange }: { value: DurationInput; units: readonly string[]; onChange: (next: DurationInput) => void }) {
  const { t } = useText();
  const offered = units.includes(value.unit) ? units : [...units, value.unit];
  return (
    <span className="duration">
      <input aria-label="duration" type="number" min={1} step={1} size={4} value={value.amount} onChange={(event) => onChange({ ...value, amount: event.target.value })} />
      <select aria-label="unit" value={value.unit} onChange={(event) => onChange({ ...value, unit: event.target.value })}>
        {offered.map((unit) => (
          <option key={unit} value={unit}>
            {t(`unit.${unit}` as MessageKey) || unit}
          </option>
        ))}
      </select>
    </span>
  );
}

export function Problems({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="field-error" role="alert">
      {problems.map((problem) => (
        <li key={`${problem.field}:${problem.reason}`}>
          <code>{problem.field}</code> {problem.reason}
        </li>
      ))}
    </ul>
  );
}
