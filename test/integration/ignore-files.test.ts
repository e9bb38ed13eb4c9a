import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { REPO_ROOT, runCli } from '../support/cli.ts';
import { GitRepo } from '../support/git-repo.ts';
import { controlgateKeys, kicsAlone, type ResultKey, semgrepAlone } from '../support/tools-alone.ts';

/*
 * Done when: Semgrep's and KICS's results through controlgate equal each tool run alone on the folder,
 * with the repository's .semgrepignore and without one (Semgrep's default list), and a pull request
 * cannot hide its own file from Semgrep by adding a .semgrepignore. The fixture
 * (test/fixtures/ignore-files) is copied into a temporary git repository: under this repository's
 * test/ folder, Semgrep's default list would leave all of it out. Real tools, real git, the built CLI.
 */

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'ignore-files');
const ONLY = 'scanners:\n  bandit: { enabled: false }\n';

/** The fixture's files by path, minus its README and the .semgrepignore kept as semgrepignore.txt. */
function fixtureFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[path.relative(FIXTURE, full).split(path.sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(FIXTURE);
  delete files['README.md'];
  delete files['semgrepignore.txt'];
  return files;
}

const repos: GitRepo[] = [];
afterAll(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function repository(extra: Record<string, string> = {}): GitRepo {
  const repo = GitRepo.create({ ...fixtureFiles(), '.controlgate.yml': ONLY, ...extra });
  repos.push(repo);
  repo.commit('The fixture');
  return repo;
}

function scan(repo: GitRepo, extra: string[] = []): JsonReport {
  const run = runCli(['scan', repo.dir, '--format', 'json', '--no-progress', '--no-evidence', ...extra]);
  if (run.stdout.trim() === '') throw new Error(`scan failed (${run.exitCode}): ${run.stderr}`);
  return parseJsonReport(run.stdout, 'stdout');
}

const files = (keys: readonly ResultKey[]) =>
  [...new Set(keys.map((k) => k.split(' ')[1]?.split(':')[0]))].sort();

describe('ignore files: Semgrep and KICS through controlgate judge what they judge alone on the folder', {
  timeout: 600_000,
}, () => {
  describe('without a .semgrepignore (Semgrep’s default list)', () => {
    let repo: GitRepo;
    let report: JsonReport;
    beforeAll(() => {
      repo = repository();
      report = scan(repo);
    });

    it('Semgrep: the same results, and none from vendored, minified or test code', async () => {
      const alone = await semgrepAlone(repo.dir, repo.dir);
      const through = controlgateKeys(report, 'semgrep');
      expect(through).toEqual(alone);
      expect(files(through)).toEqual(['app/handler.js', 'app/jobs.py']);
    });

    it('KICS: the same results, and the .travis.yml is no Compose file', async () => {
      const alone = await kicsAlone(repo.dir, repo.dir);
      const through = controlgateKeys(report, 'kics');
      expect(alone.length).toBeGreaterThan(0);
      expect(through).toEqual(alone);
      expect(files(through)).toEqual(['docker-compose.yml']);
    });

    it('the coverage ledger says which ignore rule left each file out of Semgrep', () => {
      const note = (p: string) => report.coverage?.files.find((f) => f.path === p)?.note ?? '';
      expect(note('vendor/widgets/widgets.min.js')).toMatch(
        /not given to Semgrep: matches "vendor\/" in Semgrep's default ignore list/,
      );
      expect(note('web/bundle.min.js')).toMatch(/"\*\.min\.js" in Semgrep's default ignore list/);
      expect(note('tests/fixture.js')).toMatch(/"tests\/" in Semgrep's default ignore list/);
    });
  });

  describe("with the repository's .semgrepignore", () => {
    let repo: GitRepo;
    let report: JsonReport;
    beforeAll(() => {
      repo = repository({ '.semgrepignore': readFileSync(path.join(FIXTURE, 'semgrepignore.txt'), 'utf8') });
      report = scan(repo);
    });

    it('Semgrep: the same results, vendored and minified code included as the file says', async () => {
      const alone = await semgrepAlone(repo.dir, repo.dir);
      const through = controlgateKeys(report, 'semgrep');
      expect(through).toEqual(alone);
      expect(files(through)).toEqual([
        'app/handler.js',
        'app/jobs.py',
        'vendor/widgets/widgets.min.js',
        'web/bundle.min.js',
      ]);
    });

    it('KICS: the same results', async () => {
      expect(controlgateKeys(report, 'kics')).toEqual(await kicsAlone(repo.dir, repo.dir));
    });
  });

  it('with an untracked folder git ignores, Semgrep leaves it out as it does alone', async () => {
    const repo = repository({ '.gitignore': 'generated/\n' });
    repo.write({ 'generated/out.js': 'function f(q) { return eval(q.query.code); }\n' });
    const through = controlgateKeys(scan(repo), 'semgrep');
    expect(through).toEqual(await semgrepAlone(repo.dir, repo.dir));
    expect(files(through)).not.toContain('generated/out.js');
  });

  it('a pull request that adds a .semgrepignore hiding its own file is still judged on it', () => {
    const repo = repository();
    repo.branch('feature');
    repo
      .write({
        'app/evil.js':
          'function evil(req) {\n  return eval(req.query.code);\n}\nmodule.exports = { evil };\n',
        '.semgrepignore': 'app/evil.js\n',
      })
      .commit('Add a handler, and hide it from Semgrep');
    const report = scan(repo, ['--base', 'main']);
    expect(controlgateKeys(report, 'semgrep')).toContain(
      'controlgate.javascript.eval-injection app/evil.js:2',
    );
    // The change's .semgrepignore is a proposal, shown, not applied.
    expect((report.policy.proposed?.changes ?? []).map((c) => `${c.key} ${c.change}`)).toContain(
      '.semgrepignore added',
    );
  });
  // The example app: test/integration/example-app-alone.test.ts compares every scanner with the tool alone.
});
