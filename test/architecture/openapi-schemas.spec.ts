import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The OpenAPI document's schemas are generated from the controllers' types: they must be regenerated when those change. */
describe('the generated route schemas', () => {
  it('are what the controllers declare today (npm run openapi:schemas)', () => {
    expect(() => execFileSync(process.execPath, [join(root, 'infra/scripts/openapi-schemas.mjs'), '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });
});
