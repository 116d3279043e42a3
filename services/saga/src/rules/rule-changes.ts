import { Inject, Injectable } from '@nestjs/common';
import { RuleNotFoundError, RuleRejectedError, ruleChecks, Saga, type RuleChecks } from '@journey/journeys';
import { CONFIG, RequestRejectedError, type JourneyConfig } from '@journey/platform';
import { ruleNotFound, ruleView, type RuleView } from './rule-view';

/**
 * Changes to the rules, as the commands make them: each saved through the rule store, the
 * saga told when the rules changed, the store's refusals turned into 400 and 404.
 */
@Injectable()
export class RuleChanges {
  private readonly checks: RuleChecks;

  constructor(
    private readonly saga: Saga,
    @Inject(CONFIG) config: JourneyConfig,
  ) {
    this.checks = ruleChecks(config);
  }

  async save(body: unknown): Promise<RuleView & { readonly changed: boolean }> {
    const { record, changed } = await guard(() => this.saga.rules.save(body, this.checks));
    if (changed) await this.saga.rulesChanged();
    return { ...ruleView(record), changed };
  }

  async setEnabled(id: string, enabled: boolean): Promise<RuleView> {
    const record = await guard(() => this.saga.rules.setEnabled(id, enabled));
    await this.saga.rulesChanged();
    return ruleView(record);
  }

  /** The rules of a JSON file, each saved as `save` would; a file that cannot be read or parsed is refused naming it. */
  async loadFile(file: string): Promise<Array<{ id: string; changed: boolean }>> {
    const loaded = await guard(() => this.saga.rules.loadFile(file, this.checks).catch((error: unknown) => Promise.reject(unreadable(file, error))));
    if (loaded.some((rule) => rule.changed)) await this.saga.rulesChanged();
    return loaded;
  }

  async delete(id: string): Promise<void> {
    await guard(() => this.saga.rules.delete(id));
    await this.saga.rulesChanged();
  }
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RuleRejectedError) throw new RequestRejectedError(400, 'Invalid rule', error.errors);
    if (error instanceof RuleNotFoundError) throw ruleNotFound(error.id);
    throw error;
  }
}

/** A rules file missing or not JSON, as a refusal naming the file; other failures as they are. */
function unreadable(file: string, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') return new RequestRejectedError(400, 'Invalid rules file', [{ field: 'file', reason: `${file} cannot be read (${String(code)})` }]);
  if (error instanceof SyntaxError) return new RequestRejectedError(400, 'Invalid rules file', [{ field: 'file', reason: `${file} is not JSON: ${error.message}` }]);
  return error;
}
