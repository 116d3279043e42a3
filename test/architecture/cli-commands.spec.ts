import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'services', 'cli', 'src');

/**
 * What a CLI command may take from a library or a service: the messages it dispatches
 * (`…Command`, `…Query`), the typed errors it tells apart (`…Error`), constants (`ROLES`), and the
 * input parsers it shares with the HTTP adapters (`parseInstant`, `keyRequest`). Anything else
 * (a store, a use-case function, a handler) is work the command would do past the buses.
 */
const MAPPING_ONLY = [/^[A-Z]\w*(Command|Query|Error)$/, /^[A-Z][A-Z0-9_]*$/, /^parse[A-Z]\w*$/, /^[a-z]\w*Request$/];

/** Imports of a CLI command file that reach past the buses: `module: name` for each. */
function importsPastTheBuses(source: string, fileName = 'x.command.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) continue;
    if (!from.startsWith('.')) {
      if (!from.startsWith('@journey/')) continue;
      if (clause.name) found.push(`${from}: default ${clause.name.text}`);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) found.push(`${from}: * as ${bindings.name.text}`);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          const name = (element.propertyName ?? element.name).text;
          if (!element.isTypeOnly && !MAPPING_ONLY.some((pattern) => pattern.test(name))) found.push(`${from}: ${name}`);
        }
      }
    } else if (/\.handler$/.test(from) || /(^|\/)\.\.\/\.\.\//.test(from)) {
      // A handler is reached through the bus; a path out of services/cli/src reaches a lib by the back door.
      found.push(`${from}: ${clause.getText(file)}`);
    }
  }
  return found;
}

function commandFiles(): string[] {
  const dir = join(CLI, 'commands');
  return [...readdirSync(dir).filter((name) => name.endsWith('.command.ts')).map((name) => join(dir, name)), join(CLI, 'main.ts')];
}

describe('CLI commands', () => {
  it('only map their input to commands and queries on the buses: no store, use-case function or handler of a lib or service', () => {
    const files = commandFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    const found = files.flatMap((path) => importsPastTheBuses(readFileSync(path, 'utf8'), path).map((what) => `${relative(ROOT, path)}: ${what}`));
    expect(found).toEqual([]);
  });

  it('are caught importing a use-case function, a store, a handler or a whole lib', () => {
    const fixture = `
      import type { Command } from 'commander';
      import type { Database } from '@journey/database';
      import { migrate } from '@journey/database';
      import { ApiKeyStore, CreateKeyCommand, ROLES, RequestRejectedError, parseInstant, keyRequest } from '@journey/platform';
      import { ruleResults, type RuleResults } from '@journey/journeys';
      import * as projections from '@journey/projections';
      import { VerifyStreamQuery } from '@journey/query';
      import { LoadRulesHandler } from '../load-rules/load-rules.handler';
      import { seedFromLib } from '../../../libs/datagen/src';
      import { withEngine } from '../cli-context';
    `;
    expect(importsPastTheBuses(fixture)).toEqual([
      '@journey/database: migrate',
      '@journey/platform: ApiKeyStore',
      '@journey/journeys: ruleResults',
      '@journey/projections: * as projections',
      '../load-rules/load-rules.handler: { LoadRulesHandler }',
      '../../../libs/datagen/src: { seedFromLib }',
    ]);
  });
});
