import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

function cruise(...paths: string[]): Violation[] {
  const run = spawnSync(process.execPath, [DEPCRUISE, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...paths], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the dependency rule', () => {
  it('holds for the code base: a pure domain, self-contained contracts, one-way imports between libraries and services, no cycles', () => {
    expect(cruise('contracts', 'libs', 'services')).toEqual([]);
  });

  describe('catches', () => {
    const fixture = join(ROOT, 'test', 'architecture', `tmp-${process.pid}`);
    beforeAll(() => {
      mkdirSync(join(fixture, 'libs', 'domain', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'libs', 'event-store', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'libs', 'event-store', 'src', 'postgres'), { recursive: true });
      mkdirSync(join(fixture, 'libs', 'journeys', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'libs', 'platform', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'libs', 'projections', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'services', 'engine', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'services', 'ingest', 'src'), { recursive: true });
      mkdirSync(join(fixture, 'services', 'saga', 'src'), { recursive: true });
      writeFileSync(join(fixture, 'libs', 'event-store', 'src', 'postgres', 'adapter.ts'), 'export class Adapter {}\n');
      writeFileSync(
        join(fixture, 'libs', 'journeys', 'src', 'downcast.ts'),
        "import { Adapter } from '../../event-store/src/postgres/adapter';\nexport const downcast = Adapter;\n",
      );
      writeFileSync(join(fixture, 'services', 'ingest', 'src', 'ingest.ts'), 'export const ingest = 1;\n');
      writeFileSync(
        join(fixture, 'services', 'engine', 'src', 'main.ts'),
        "import { ingest } from '../../ingest/src/ingest';\nexport const engine = ingest;\n",
      );
      writeFileSync(
        join(fixture, 'services', 'saga', 'src', 'sideways.ts'),
        "import { ingest } from '../../ingest/src/ingest';\nexport const sideways = ingest;\n",
      );
      writeFileSync(join(fixture, 'libs', 'projections', 'src', 'options.ts'), 'export const options = 1;\n');
      writeFileSync(
        join(fixture, 'libs', 'platform', 'src', 'config.ts'),
        "import { options } from '../../projections/src/options';\nexport const config = options;\n",
      );
      writeFileSync(join(fixture, 'libs', 'domain', 'src', 'ping.ts'), "import { pong } from './pong';\nexport const ping = (): number => pong();\n");
      writeFileSync(join(fixture, 'libs', 'domain', 'src', 'pong.ts'), "import { ping } from './ping';\nexport const pong = (): number => ping();\n");
      writeFileSync(
        join(fixture, 'libs', 'domain', 'src', 'impure.ts'),
        "import { Injectable } from '@nestjs/common';\nimport { Pool } from 'pg';\nexport const impure = [Injectable, Pool];\n",
      );
      writeFileSync(
        join(fixture, 'libs', 'event-store', 'src', 'upward.ts'),
        "import { engine } from '../../../services/engine/src/main';\nexport const upward = engine;\n",
      );
    });
    afterAll(() => rmSync(fixture, { recursive: true, force: true }));

    let violations: string[] = [];
    beforeAll(() => {
      violations = cruise(join('test', 'architecture', `tmp-${process.pid}`)).map(
        (v) => `${v.rule.name}: ${v.from.split('/').slice(-3).join('/')} -> ${v.to.split('/').slice(-3).join('/')}`,
      );
    });
    const found = (): string[] => violations;

    it('a domain file importing Nest or pg, a library importing a service, and a feature reaching past the store port', () => {
      expect(found()).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^domain-is-pure: .*@nestjs\/common/),
          expect.stringMatching(/^domain-is-pure: .*pg/),
          expect.stringMatching(/^libs-never-import-services: .*main\.ts$/),
          expect.stringMatching(/^store-behind-its-port: .*postgres\/adapter\.ts$/),
        ]),
      );
    });

    it('a service importing another, but not the engine that assembles them', () => {
      const sideways = found().filter((v) => v.startsWith('services-never-import-services'));
      expect(sideways).toEqual(['services-never-import-services: saga/src/sideways.ts -> ingest/src/ingest.ts']);
    });

    it('platform importing a feature library', () => {
      expect(found()).toContain('platform-imports-no-feature-lib: platform/src/config.ts -> projections/src/options.ts');
    });

    it('an import cycle', () => {
      expect(found()).toEqual(expect.arrayContaining([expect.stringMatching(/^no-cycles: domain\/src\/p[io]ng\.ts -> domain\/src\/p[io]ng\.ts$/)]));
    });
  });
});
