// Runs every test file listed in test/suites.txt with the Node test runner.
// The list is checked against the files on disk both ways, so a test file that
// is added but not listed (or listed but gone) fails the run instead of being
// silently missed.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const listed = readFileSync(join(root, 'test/suites.txt'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}
// The workspace packages' suites run here too (and from their own folders).
const packages = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
const onDisk = [
  ...findTests(join(root, 'src')),
  ...findTests(join(root, 'test')),
  ...packages.flatMap((dir) => [...findTests(join(dir, 'src')), ...findTests(join(dir, 'test'))]),
];
const unlisted = onDisk.filter((f) => !listed.includes(f));
const missing = listed.filter((f) => !onDisk.includes(f));
if (unlisted.length || missing.length) {
  for (const f of unlisted) console.error(`test file not listed in test/suites.txt: ${f}`);
  for (const f of missing) console.error(`test/suites.txt lists a file that does not exist: ${f}`);
  process.exit(1);
}

// A filter on the command line runs only the matching files: npm test -- api
const filters = process.argv.slice(2);
const files = filters.length ? listed.filter((f) => filters.some((x) => f.includes(x))) : listed;
const result = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
