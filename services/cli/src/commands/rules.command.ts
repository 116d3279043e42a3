import type { Command } from 'commander';
import { migrate } from '@journey/database';
import { loadConfig } from '@journey/platform';
import { ruleResults, RuleStore, webhookSecret } from '@journey/journeys';
import { withDatabase } from '../cli-database';

/** `rules load`, `rules results` and `webhook-secret`: the saga's rules, what they did, and how its webhooks are signed. */
export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('marketing rules of the saga');

  rules
    .command('load')
    .description('validate and save the rules of a JSON file (a new version only where a rule changed)')
    .argument('<file>')
    .action(async (file: string) => {
      const loaded = await withDatabase(async (db) => {
        await migrate(db);
        return new RuleStore(db).loadFile(file);
      });
      for (const rule of loaded) process.stdout.write(`${rule.id}: ${rule.changed ? 'saved as a new version' : 'unchanged'}\n`);
    });

  rules
    .command('results')
    .description('what each rule did: matched, suppressed by reason, dispatched, failed, converted, lift')
    .argument('[ruleId]')
    .action(async (ruleId?: string) => {
      const results = await withDatabase(async (db) => {
        await migrate(db);
        return ruleResults(db, ruleId);
      });
      if (results.length === 0) process.stdout.write('no decisions yet\n');
      for (const r of results) {
        const suppressed = Object.entries(r.suppressed).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
        const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
        process.stdout.write(
          `${r.ruleId}: matched ${r.matched}, dispatched ${r.dispatched}, failed ${r.failed}, pending ${r.pending}, waiting ${r.waiting}, suppressed (${suppressed}); ` +
            `converted ${r.converted} (${pct(r.conversionRate)}), holdout ${r.holdout} converted ${r.holdoutConverted} (${pct(r.holdoutConversionRate)}), lift ${r.lift === null ? 'n/a' : pct(r.lift)}\n`,
        );
      }
    });

  program
    .command('webhook-secret')
    .description('print the secret webhook signatures are made with (generated on first use unless JOURNEY_WEBHOOK_SECRET is set)')
    .action(async () => {
      const config = loadConfig();
      const { secret } = await withDatabase(async (db) => {
        await migrate(db);
        return webhookSecret(db, config.journeys.webhookSecret);
      });
      process.stdout.write(`${secret}\n`);
    });
}
