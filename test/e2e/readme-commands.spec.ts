import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'services', 'cli', 'src', 'main.js');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SCRIPTS = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** The words of every `journey …` command the README shows, up to its first option, placeholder or value. */
function journeyCommands(): string[][] {
  const found = new Map<string, string[]>();
  for (const match of README.matchAll(/(?:npx journey|npm run journey --) ([^`\n|;&]+)/g)) {
    const words: string[] = [];
    for (const word of match[1]!.trim().split(/\s+/)) {
      if (!/^[a-z][a-z-]*$/.test(word)) break;
      words.push(word);
    }
    if (words.length > 0) found.set(words.join(' '), words);
  }
  return [...found.values()];
}

/** What `journey <words> --help` answers: the command path it describes and whether that command has subcommands. */
function help(words: readonly string[]): { status: number | null; path: string[]; hasSubcommands: boolean; output: string } {
  const run = spawnSync(process.execPath, [CLI, ...words, '--help'], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  const output = `${run.stdout}${run.stderr}`;
  const usage = /Usage: journey((?: [a-z][a-z-]*)*)/.exec(output)?.[1]?.trim() ?? '';
  return { status: run.status, path: usage ? usage.split(' ') : [], hasSubcommands: /^Commands:/m.test(output), output };
}

describe('every command the README shows', () => {
  const commands = journeyCommands();

  it('finds the CLI commands it shows', () => {
    expect(commands.length).toBeGreaterThan(5);
  });

  it.each(commands.map((words) => [words.join(' '), words]))('journey %s is a command of the CLI', (_name, words) => {
    const answer = help(words as string[]);
    expect(answer.status).toBe(0);
    expect(answer.output).not.toMatch(/unknown command/);
    // A word past the command the help describes is an argument, unless that command is a group: then it is an unknown subcommand.
    if (answer.path.length < (words as string[]).length) expect({ command: answer.path.join(' '), hasSubcommands: answer.hasSubcommands }).toMatchObject({ hasSubcommands: false });
  });

  it.each([...new Set([...README.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]!))])('npm run %s is a script of package.json', (script) => {
    expect(SCRIPTS).toContain(script);
  });

  it('journey --version prints the version of package.json', () => {
    const run = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });
});
