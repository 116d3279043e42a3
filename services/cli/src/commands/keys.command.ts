import type { Command } from 'commander';
import { migrate } from '@journey/database';
import { ApiKeyStore, isRole, ROLES } from '@journey/platform';
import { withDatabase } from '../cli-database';

/** `keys create`, `keys list` and `keys revoke`: the API keys and their roles. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('API keys (each carries one role: ingest, marketing, auditor, admin)');

  keys
    .command('create')
    .description('create a key and print it (it is shown this once; only its hash is stored)')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--name <name>', 'what the key is for')
    .action(async (options: { role: string; name?: string }) => {
      if (!isRole(options.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, got ${options.role}`);
      const role = options.role;
      const { key, apiKey } = await withDatabase(async (db) => {
        await migrate(db);
        return new ApiKeyStore(db).create(role, options.name ?? `${role} key`);
      });
      process.stderr.write(`created key ${apiKey.id} (${apiKey.role}, "${apiKey.name}"); it is not shown again:\n`);
      process.stdout.write(`${key}\n`);
    });

  keys
    .command('list')
    .description('every key: id, role, name, created, revoked')
    .action(async () => {
      const list = await withDatabase(async (db) => {
        await migrate(db);
        return new ApiKeyStore(db).list();
      });
      for (const key of list) process.stdout.write(`${key.id}\t${key.role}\t${key.name}\tcreated ${key.createdAt}${key.revokedAt ? `\trevoked ${key.revokedAt}` : ''}\n`);
    });

  keys
    .command('revoke')
    .description('revoke a key for good (running engines stop accepting it within seconds)')
    .argument('<id>')
    .action(async (id: string) => {
      const found = await withDatabase(async (db) => {
        await migrate(db);
        return new ApiKeyStore(db).revoke(id);
      });
      if (!found) throw new Error(`no key ${id}`);
      process.stdout.write(`revoked ${id}\n`);
    });
}
