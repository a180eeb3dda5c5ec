// The runtime cost limits of x-kubernetes-validations, enforced by the local
// control plane as kube-apiserver 1.32 enforces them: a rule whose evaluation
// costs more than celconfig.PerCallLimit (1,000,000) fails and ends rule
// evaluation; the rules of one object share celconfig.RuntimeCELCostBudget
// (10,000,000), and once an evaluation costs more than what remains, the write
// is rejected with 422 at the node whose rule ran out. The defaults of a CRD
// schema share one budget the same way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalControlPlane } from '../src/control-plane.ts';
import { KubeApiError, httpApi, memoryApi, startPlane, type ContractApi } from '../src/testing.ts';
import type { KubeObject } from '../src/types.ts';

const OUT_OF_BUDGET =
  'validation failed due to running out of cost budget, no further validation rules will be run';
const zeros = (n: number) => Array<number>(n).fill(0);

// Each spec rule costs 2 + 900 × (2 + 1 + 1 + 2 + 900) + 1 = 815,403 on 900
// items: twelve fit in the budget, the thirteenth does not. Its static estimate
// (maxItems 900) is about the same, well within StaticEstimatedCostLimit.
const SPEC_RULES = Array.from({ length: 13 }, (_, i) => ({
  rule: `self.l.all(x, x in self.l) || self.n == ${i}`,
}));
const BIG_RULE = 'self.all(x, x in self)';

function crd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'budgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Budget', listKind: 'BudgetList', plural: 'budgets', singular: 'budget' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-validations': SPEC_RULES,
                  properties: {
                    l: { type: 'array', maxItems: 900, items: { type: 'integer' } },
                    n: { type: 'integer' },
                    // 2 + n × (n + 5): over 1,000,000 from 1000 items on
                    big: {
                      type: 'array',
                      maxItems: 1200,
                      items: { type: 'integer' },
                      'x-kubernetes-validations': [{ rule: BIG_RULE }],
                    },
                    name: {
                      type: 'string',
                      'x-kubernetes-validations': [{ rule: "self != 'bad'", message: 'bad name' }],
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

function budget(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Budget',
    metadata: { name, namespace: 'default' },
    spec: { n: -1, ...spec },
  };
}

async function rejection(promise: Promise<unknown>): Promise<KubeApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof KubeApiError) return err;
    throw err;
  }
  assert.fail('the write was accepted');
}

for (const target of ['in-memory', 'http'] as const) {
  describe(`runtime CEL cost limits (${target})`, () => {
    let plane: LocalControlPlane;
    let api: ContractApi;
    // CRDs go in through the store: client-node's typed CRD model would drop
    // the raw x-kubernetes-validations key on the way over HTTP.
    let store: ContractApi;

    before(async () => {
      const started = await startPlane();
      plane = started.plane;
      store = memoryApi(plane);
      api = target === 'http' ? httpApi(started.kc) : store;
      await store.create(crd());
    });
    after(() => plane.stop());

    it('rejects an object whose rules run out of the per-object budget with 422', async () => {
      const err = await rejection(api.create(budget('heavy', { l: zeros(900), name: 'bad' })));
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      // The child's rule ('bad name') never runs: evaluation stopped at spec.
      assert.deepEqual(
        err.causes.map((c) => [c.reason, c.field, c.message]),
        [['FieldValueInvalid', 'spec', `Invalid value: "object": ${OUT_OF_BUDGET}`]],
      );
      assert.equal(
        err.message,
        `Budget.example.com "heavy" is invalid: spec: Invalid value: "object": ${OUT_OF_BUDGET}`,
      );
    });

    it('accepts a cheaper object, whose rules all run', async () => {
      const created = await api.create(budget('light', { l: zeros(100) }));
      assert.equal((created.spec as { l: number[] }).l.length, 100);
      const err = await rejection(api.create(budget('named', { l: zeros(100), name: 'bad' })));
      assert.deepEqual(
        err.causes.map((c) => [c.field, c.message]),
        [['spec.name', 'Invalid value: "string": bad name']],
      );
    });

    it('fails a rule over the per-call limit and runs no further rule', async () => {
      const err = await rejection(
        api.create(budget('long', { l: zeros(10), big: zeros(1000), name: 'bad' })),
      );
      assert.equal(err.code, 422);
      assert.deepEqual(
        err.causes.map((c) => [c.field, c.message]),
        [
          [
            'spec.big',
            `Invalid value: "array": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${BIG_RULE}`,
          ],
        ],
      );
      // Just under the limit: 2 + 990 × 995 = 985,052.
      await api.create(budget('long-enough', { l: zeros(10), big: zeros(990) }));
    });

    it('checks an update against a fresh budget of its own', async () => {
      const light = await api.get({
        apiVersion: 'example.com/v1',
        kind: 'Budget',
        namespace: 'default',
        name: 'light',
      });
      const err = await rejection(
        api.replace({ ...light, spec: { ...(light.spec as object), l: zeros(900) } }),
      );
      assert.deepEqual(
        err.causes.map((c) => [c.field, c.message]),
        [['spec', `Invalid value: "object": ${OUT_OF_BUDGET}`]],
      );
    });
  });
}

describe('runtime CEL cost limits of CRD defaults', () => {
  let plane: LocalControlPlane;
  before(async () => {
    plane = (await startPlane()).plane;
  });
  after(() => plane.stop());

  it('validates the defaults of a CRD schema under one budget', async () => {
    // Each default's rule costs 2 + 900 × 905 = 814,502: the thirteenth runs out.
    const properties = Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => [
        `d${String(i).padStart(2, '0')}`,
        {
          type: 'array',
          maxItems: 900,
          items: { type: 'integer' },
          default: zeros(900),
          'x-kubernetes-validations': [{ rule: 'self.all(x, x in self)' }],
        },
      ]),
    );
    const defaults = crd();
    const spec = defaults.spec as {
      names: Record<string, string>;
      versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[];
    };
    (defaults.metadata as { name: string }).name = 'defaults.example.com';
    spec.names = {
      kind: 'Defaults',
      listKind: 'DefaultsList',
      plural: 'defaults',
      singular: 'defaults',
    };
    spec.versions[0]!.schema.openAPIV3Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties } },
    };
    const err = await rejection(memoryApi(plane).create(defaults));
    assert.equal(err.code, 422);
    assert.deepEqual(
      err.causes.map((c) => [c.field, c.message]),
      [
        [
          'spec.validation.openAPIV3Schema.properties[spec].properties[d12].default',
          `Invalid value: "array": ${OUT_OF_BUDGET}`,
        ],
      ],
    );
  });
});
