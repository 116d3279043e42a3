import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, from the sources or from their build in dist/. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

interface RuleJson {
  limits?: { quietHours?: unknown };
}

/**
 * The example rules of infra/rules, copied with their templates into `folder`, every webhook
 * aimed at `receiver` (same paths); returns the rules file to give JOURNEY_RULES_FILE. Without
 * `quietHours`, their quiet hours are left out, so that what a test sees does not depend on the
 * hour it runs at (held actions wait for the morning).
 */
export function exampleRulesFor(folder: string, receiver: string, { quietHours = true } = {}): string {
  const origin = join(repositoryRoot(), 'infra', 'rules');
  cpSync(join(origin, 'templates'), join(folder, 'templates'), { recursive: true });
  const rules = JSON.parse(readFileSync(join(origin, 'rules.json'), 'utf8').replaceAll('http://127.0.0.1:4000', receiver)) as RuleJson[];
  if (!quietHours) for (const rule of rules) delete rule.limits?.quietHours;
  const file = join(folder, 'rules.json');
  writeFileSync(file, JSON.stringify(rules, null, 2));
  return file;
}
