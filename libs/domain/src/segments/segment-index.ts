import type { Customer360 } from '../customer-360';
import { historyKey } from './activity';
import { referencedSegments } from './membership-decider';
import { PREDICTION_FIELDS, type SegmentCondition, type SegmentDefinition } from './segment';
import { fieldReader } from './segment-fields';

/** Whether the step from one state to the next changed one input that conditions read. */
type Probe = (before: Customer360, after: Customer360) => boolean;

/**
 * What the live segments read, from the inputs to the segments: which segments an event may
 * move (those whose inputs it changed, and the segments naming them), so that the pass judges
 * only those. Built once per set of definitions (ids and versions).
 */
export interface SegmentIndex {
  /** The segments in dependency order. */
  readonly segments: readonly SegmentDefinition[];
  /**
   * The positions (in `segments`, ascending) of the segments whose membership the step from
   * `before` to `after` (the fold of an event of type `type`) may change: every one for CustomerForgotten; else those reading a field, an event history or a flag it changed,
   * those reading predictions (which change outside the fold), those `due` (time may have moved
   * them), and the segments naming any of these.
   */
  affected(before: Customer360, after: Customer360, type: string, due?: (position: number) => boolean): readonly number[];
}

const PREDICTION_FIELD_SET: ReadonlySet<string> = new Set(PREDICTION_FIELDS);

/** `segments` must be in dependency order (dependencyOrder). */
export function segmentIndex(segments: readonly SegmentDefinition[]): SegmentIndex {
  const position = new Map(segments.map((segment, i) => [segment.id, i]));
  const probes = new Map<string, Check>();
  const always: number[] = [];
  const dependents: number[][] = segments.map(() => []);
  segments.forEach((segment, i) => {
    for (const input of inputsOf(segment.conditions)) {
      if (input === 'always') {
        always.push(i);
        continue;
      }
      const entry = probes.get(input.key) ?? { probe: input.probe, type: input.type, readers: [] };
      entry.readers.push(i);
      probes.set(input.key, entry);
    }
    for (const id of referencedSegments(segment.conditions)) {
      const named = position.get(id);
      if (named !== undefined) dependents[named]!.push(i);
    }
  });
  const fields = [...probes.values()].filter((check) => check.type === undefined);
  // An event counts in the history under keys of its own type only (keysOf): the others are not looked at.
  const histories = new Map<string, Check[]>();
  for (const check of probes.values()) if (check.type !== undefined) histories.set(check.type, [...(histories.get(check.type) ?? []), check]);
  const all = segments.map((_, i) => i);
  // Judging is synchronous: one scratch list of marks serves every call.
  const marks = new Uint8Array(segments.length);
  const markChanged = (checks: readonly Check[], before: Customer360, after: Customer360): boolean => {
    let marked = false;
    for (const { probe, readers } of checks) {
      if (!probe(before, after)) continue;
      for (const i of readers) marks[i] = 1;
      marked = true;
    }
    return marked;
  };
  return {
    segments,
    affected(before, after, type, due) {
      // A forgotten customer is in no segment. The forget request marks the row at once, so the
      // flag may already be set when the pass folds CustomerForgotten: the event judges them all.
      if (type === 'CustomerForgotten' || before.forgotten !== after.forgotten) return all;
      marks.fill(0);
      for (const i of always) marks[i] = 1;
      let marked = always.length > 0;
      if (markChanged(fields, before, after)) marked = true;
      if (before.activity !== after.activity && markChanged(histories.get(type) ?? NO_CHECKS, before, after)) marked = true;
      if (due) {
        for (let i = 0; i < segments.length; i++) {
          if (marks[i] === 1 || !due(i)) continue;
          marks[i] = 1;
          marked = true;
        }
      }
      if (!marked) return NONE;
      const picked: number[] = [];
      // A segment's dependents come after it in dependency order: one forward sweep closes the set.
      for (let i = 0; i < segments.length; i++) {
        if (marks[i] !== 1) continue;
        picked.push(i);
        for (const d of dependents[i]!) marks[d] = 1;
      }
      return picked;
    },
  };
}

const NONE: readonly number[] = [];
const NO_CHECKS: readonly Check[] = [];

/** An input's test, the event type whose history it reads (none: a field), and the positions of its readers. */
interface Check {
  readonly probe: Probe;
  readonly type: string | undefined;
  readonly readers: number[];
}

type Input = { readonly key: string; readonly probe: Probe; readonly type?: string } | 'always';

/**
 * The inputs a condition reads. A membership of another segment is one too: a membership event
 * (a backfill's, say) changes it outside this pass's judgements; one this judgement changes
 * reaches the segments naming it through their dependency.
 */
function inputsOf(condition: SegmentCondition): Input[] {
  if ('all' in condition) return condition.all.flatMap(inputsOf);
  if ('any' in condition) return condition.any.flatMap(inputsOf);
  if ('not' in condition) return inputsOf(condition.not);
  if ('segment' in condition) {
    const id = condition.segment;
    return [{ key: `segment:${id}`, probe: (before, after) => (before.segments[id]?.member ?? false) !== (after.segments[id]?.member ?? false) }];
  }
  if ('event' in condition) {
    const key = historyKey(condition.event, condition.where);
    // The history replaces the list of a key it counts an event under, and keeps the others.
    return [{ key: `history:${key}`, type: condition.event, probe: (before, after) => before.activity[key] !== after.activity[key] }];
  }
  const { field } = condition;
  if (PREDICTION_FIELD_SET.has(field)) return ['always'];
  // Top categories are read as a new list each time: the map they come from is compared instead.
  if (field === 'topCategories') return [{ key: 'field:topCategories', probe: (before, after) => before.categories !== after.categories }];
  const read = fieldReader(field);
  return [{ key: `field:${field}`, probe: (before, after) => !Object.is(read(before), read(after)) }];
}
