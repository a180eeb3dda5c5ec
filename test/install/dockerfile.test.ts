// What can be checked of the Dockerfile without a container engine: its
// stages, base image, user, entrypoint, and that every file it copies from
// the build context exists and is not excluded by .dockerignore.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string;
  steps: Instruction[];
}

/** Instructions per stage (one line each; the Dockerfile has no continuations). */
function stages(): Stage[] {
  const result: Stage[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, op, args] = m as unknown as [string, string, string];
    if (op === 'FROM') {
      const [from, , name] = args.split(/\s+/);
      result.push({ from: from!, name: name ?? String(result.length), steps: [] });
    } else result.at(-1)!.steps.push({ op, args });
  }
  return result;
}

const all = stages();
const final = all.at(-1)!;
const step = (s: Stage, op: string) => s.steps.filter((x) => x.op === op);

/** Whether a .dockerignore pattern excludes this context path (the patterns used here). */
function isIgnored(path: string): boolean {
  const clean = path.replace(/\/$/, '');
  return ignored.some((p) => {
    const pattern = p.replace(/^\*\*\//, '');
    const anywhere = p.startsWith('**/');
    const parts = clean.split('/');
    return anywhere
      ? parts.some((_, i) => parts.slice(i).join('/').startsWith(pattern))
      : clean === pattern || clean.startsWith(`${pattern}/`);
  });
}

describe('Dockerfile', () => {
  it('builds in stages on the current Node LTS, the major the project pins', () => {
    const pinned = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies['node']!.split('.')[0];
    assert.deepEqual(
      all.map((s) => s.name),
      ['build', 'deps', 'runtime'],
    );
    for (const s of all) assert.match(s.from, new RegExp(`^node:${pinned}-`), s.name);
  });

  it('installs only production dependencies into the runtime', () => {
    const deps = all.find((s) => s.name === 'deps')!;
    assert.ok(step(deps, 'RUN').some((r) => /npm ci .*--omit=dev/.test(r.args)));
    const copied = step(final, 'COPY').map((c) => c.args);
    assert.ok(copied.some((c) => c.startsWith('--from=deps /app/node_modules/')));
    assert.equal(
      copied.some((c) => /--from=build \/src\/node_modules/.test(c)),
      false,
      'no dev dependencies from the build stage',
    );
    assert.equal(
      copied.some((c) => / src\/|\/src\/src\//.test(c)),
      false,
      'no TypeScript sources',
    );
  });

  it('runs compiled JavaScript as a non-root user, `mcp-operator run` by default', () => {
    const user = step(final, 'USER')[0]?.args ?? '';
    assert.match(
      user,
      /^[1-9]\d*:[1-9]\d*$/,
      'a numeric non-root uid:gid (runAsNonRoot can check it)',
    );
    assert.equal(step(final, 'ENTRYPOINT')[0]?.args, '["node", "dist/cmd/main.js"]');
    assert.equal(step(final, 'CMD')[0]?.args, '["run"]');
    const bin = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
      }
    ).bin['mcp-operator'];
    assert.equal(bin, 'dist/cmd/main.js', 'the entrypoint is the package bin');
  });

  it('copies from the context only files that exist and are not ignored', () => {
    for (const s of all) {
      for (const c of step(s, 'COPY').filter((x) => !x.args.startsWith('--from='))) {
        const sources = c.args.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          assert.ok(existsSync(join(root, source)), `${s.name}: COPY ${source} exists`);
          assert.equal(isIgnored(source), false, `${s.name}: COPY ${source} is not dockerignored`);
        }
      }
    }
  });

  it('copies from earlier stages only', () => {
    const names = all.map((s) => s.name);
    all.forEach((s, i) => {
      for (const c of step(s, 'COPY').filter((x) => x.args.startsWith('--from='))) {
        const from = /^--from=(\S+)/.exec(c.args)![1]!;
        assert.ok(names.slice(0, i).includes(from), `${s.name}: --from=${from}`);
      }
    });
  });

  it('keeps local state, dependencies and tests out of the build context', () => {
    for (const path of [
      '.git',
      '.local',
      'node_modules',
      'dist',
      'test',
      'packages/kube-core/test',
    ]) {
      assert.ok(isIgnored(path), path);
    }
  });
});
