import type { Command } from 'commander';
import type { RuleResults } from '@journey/journeys';
import { GetRuleResultsQuery, ListRuleResultsQuery, LoadRulesCommand, ReadWebhookSecretQuery } from '@journey/saga';
import { withEngine } from '../cli-context';

/** `rules load`, `rules results` and `webhook-secret`: the saga's rules, what they did, and how its webhooks are signed. */
export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('marketing rules of the saga');

  rules
    .command('load')
    .description('validate and save the rules of a JSON file (a new version only where a rule changed)')
    .argument('<file>')
    .action(async (file: string) => {
      const loaded = await withEngine(({ commands }) => commands.execute(new LoadRulesCommand(file)), { personalData: false });
      for (const rule of loaded) process.stdout.write(`${rule.id}: ${rule.changed ? 'saved as a new version' : 'unchanged'}\n`);
    });

  rules
    .command('results')
    .description('what each rule did: matched, suppressed by reason, dispatched, failed, converted, lift')
    .argument('[ruleId]')
    .action(async (ruleId?: string) => {
      const results = await withEngine(async ({ queries }) => {
        if (ruleId === undefined) return (await queries.execute(new ListRuleResultsQuery())).results;
        const one = await queries.execute(new GetRuleResultsQuery(ruleId));
        return 'suppressed' in one ? [one] : [];
      }, { personalData: false });
      if (results.length === 0) process.stdout.write('no decisions yet\n');
      for (const r of results) process.stdout.write(`${resultLine(r)}\n`);
    });

  program
    .command('webhook-secret')
    .description('print the secret webhook signatures are made with (generated on first use unless JOURNEY_WEBHOOK_SECRET is set)')
    .action(async () => {
      const { secret } = await withEngine(({ queries }) => queries.execute(new ReadWebhookSecretQuery()), { personalData: false });
      process.stdout.write(`${secret}\n`);
    });
}

function resultLine(r: RuleResults): string {
  const suppressed = Object.entries(r.suppressed).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  return (
    `${r.ruleId}: matched ${r.matched}, dispatched ${r.dispatched}, failed ${r.failed}, pending ${r.pending}, waiting ${r.waiting}, suppressed (${suppressed}); ` +
    `converted ${r.converted} (${pct(r.conversionRate)}), holdout ${r.holdout} converted ${r.holdoutConverted} (${pct(r.holdoutConversionRate)}), lift ${r.lift === null ? 'n/a' : pct(r.lift)}`
  );
}
