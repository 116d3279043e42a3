import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const BUSES = new Set(['CommandBus', 'QueryBus']);

/** Every `*.controller.ts` under a folder, skipping dependencies and builds. */
function controllers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllers(path);
    return entry.name.endsWith('.controller.ts') ? [path] : [];
  });
}

/**
 * What a controller is given besides the command and query buses: each constructor parameter
 * of a decorated class that is not typed as one of them, or that is injected by a token.
 */
function collaboratorsBesideTheBuses(source: string, fileName = 'x.controller.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && ts.getDecorators(node)?.length) {
      for (const member of node.members) {
        if (!ts.isConstructorDeclaration(member)) continue;
        for (const parameter of member.parameters) {
          const type = parameter.type?.getText(file) ?? 'untyped';
          const injected = (ts.getDecorators(parameter) ?? []).some((d) => d.expression.getText(file).startsWith('Inject('));
          if (!BUSES.has(type) || injected) found.push(`${node.name?.text ?? 'anonymous'}(${parameter.name.getText(file)}: ${type})`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('controllers', () => {
  it('are given the command and query buses only: every route maps its input to a command or a query', () => {
    const files = [...controllers(join(ROOT, 'libs')), ...controllers(join(ROOT, 'services'))];
    expect(files.length).toBeGreaterThanOrEqual(10);
    const found = files.flatMap((path) => collaboratorsBesideTheBuses(readFileSync(path, 'utf8'), path).map((what) => `${relative(ROOT, path)}: ${what}`));
    expect(found).toEqual([]);
  });

  it('are caught when given a database, a store by token, or an untyped collaborator', () => {
    const fixture = `
      import { Controller, Inject } from '@nestjs/common';
      import { CommandBus, QueryBus } from '@nestjs/cqrs';
      @Controller('v1/x')
      export class XController {
        constructor(
          private readonly commands: CommandBus,
          private readonly queries: QueryBus,
          @Inject(DATABASE) private readonly db: Database,
          @Inject(EVENT_STORE) private readonly bus: QueryBus,
          private readonly other,
        ) {}
      }`;
    expect(collaboratorsBesideTheBuses(fixture)).toEqual(['XController(db: Database)', 'XController(bus: QueryBus)', 'XController(other: untyped)']);
  });
});
