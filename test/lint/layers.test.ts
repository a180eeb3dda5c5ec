// The layer rule (eslint/layers.js) that keeps imports one-way, run through
// ESLint's own RuleTester on files placed in each layer.
import { describe, it } from 'node:test';
import { RuleTester } from 'eslint';
import type { Rule } from 'eslint';
import tseslint from 'typescript-eslint';
// @ts-expect-error -- a plain ESM module of the lint configuration, without types
import layers from '../../eslint/layers.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const root = new URL('../..', import.meta.url).pathname;
const at = (file: string) => `${root}${file}`;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

const rule = (layers as { rules: { 'one-way': Rule.RuleModule } }).rules['one-way'];
tester.run('layers/one-way', rule, {
  valid: [
    { filename: at('src/operator/x.ts'), code: "import { a } from '../api/v1alpha1/defaults.ts';" },
    {
      filename: at('src/operator/x.ts'),
      code: "import { a } from '@mcp-operator/kube-core/json';",
    },
    { filename: at('src/api/v1alpha1/x.ts'), code: "import { a } from '../../kube/yaml.ts';" },
    { filename: at('src/cmd/main.ts'), code: "const m = await import('./local.ts');" },
    {
      filename: at('src/cmd/main.ts'),
      code: "import type { X } from '@mcp-operator/local-control-plane/types';",
    },
    {
      filename: at('src/cmd/local.ts'),
      code: "import { P } from '@mcp-operator/local-control-plane/control-plane';",
    },
    {
      filename: at('packages/local-control-plane/src/store.ts'),
      code: "import { a } from '@mcp-operator/kube-core/json'; import { b } from './types.ts';",
    },
    { filename: at('packages/kube-core/src/cel/env.ts'), code: "import { a } from '../re2.ts';" },
    // Tests are not a layer: they may reach anything.
    { filename: at('test/operator/x.test.ts'), code: "import { a } from '../../src/cmd/main.ts';" },
  ],
  invalid: [
    {
      filename: at('src/cmd/main.ts'),
      code: "import { startLocal } from './local.ts';",
      errors: [{ messageId: 'eager' }],
    },
    {
      filename: at('src/cmd/run.ts'),
      code: "import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';",
      errors: [{ messageId: 'eager' }],
    },
    {
      filename: at('src/operator/x.ts'),
      code: "import { main } from '../cmd/main.ts';",
      errors: [{ messageId: 'forbidden' }],
    },
    {
      filename: at('src/operator/x.ts'),
      code: "const p = await import('@mcp-operator/local-control-plane/store');",
      errors: [{ messageId: 'forbidden' }],
    },
    {
      filename: at('src/api/v1alpha1/x.ts'),
      code: "export { a } from '../../operator/status.ts';",
      errors: [{ messageId: 'forbidden' }],
    },
    {
      filename: at('src/controller/x.ts'),
      code: "import { fixture } from '../../test/api/fixtures.ts';",
      errors: [{ messageId: 'forbidden' }],
    },
    {
      filename: at('packages/kube-core/src/json.ts'),
      code: "import { Store } from '@mcp-operator/local-control-plane/store';",
      errors: [{ messageId: 'forbidden' }],
    },
    {
      filename: at('packages/local-control-plane/src/store.ts'),
      code: "import { toYaml } from '../../../src/kube/yaml.ts';",
      errors: [{ messageId: 'forbidden' }],
    },
  ],
});
