import type { Command } from 'commander';
import { CreateKeyCommand, keyRequest, ListKeysQuery, RevokeKeyCommand, ROLES } from '@journey/platform';
import { withEngine } from '../cli-context';

/** `keys create`, `keys list` and `keys revoke`: the API keys and their roles. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('API keys (each carries one role: ingest, marketing, auditor, admin)');

  keys
    .command('create')
    .description('create a key and print it (it is shown this once; only its hash is stored)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--name <name>', 'what the key is for')
    .action(async (options: { role: string; name?: string }) => {
      const { role, name } = keyRequest(options);
      const { key, apiKey } = await withEngine(({ commands }) => commands.execute(new CreateKeyCommand(role, name)), { personalData: false });
      process.stderr.write(`created key ${apiKey.id} (${apiKey.role}, "${apiKey.name}"); it is not shown again:\n`);
      process.stdout.write(`${key}\n`);
    });

  keys
    .command('list')
    .description('every key: id, role, name, created, revoked')
    .action(async () => {
      const { keys: list } = await withEngine(({ queries }) => queries.execute(new ListKeysQuery()), { personalData: false });
      for (const key of list) process.stdout.write(`${key.id}\t${key.role}\t${key.name}\tcreated ${key.createdAt}${key.revokedAt ? `\trevoked ${key.revokedAt}` : ''}\n`);
    });

  keys
    .command('revoke')
    .description('revoke a key for good (running engines stop accepting it within seconds)')
    .argument('<id>')
    .action(async (id: string) => {
      await withEngine(({ commands }) => commands.execute(new RevokeKeyCommand(id)), { personalData: false });
      process.stdout.write(`revoked ${id}\n`);
    });
}
