import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../src/api/v1alpha1/schema.ts';
import { mergeConditions } from '../../src/operator/conditions.ts';
import type { ConditionInput } from '../../src/operator/conditions.ts';

const T0 = '2025-01-01T00:00:00Z';
const NOW = '2025-01-02T00:00:00Z';

function prev(
  type: string,
  status: Condition['status'],
  reason = 'Old',
  message = 'old message',
): Condition {
  return { type, status, observedGeneration: 1, lastTransitionTime: T0, reason, message };
}

function input(
  type: string,
  status: ConditionInput['status'],
  reason = 'New',
  message = 'new message',
): ConditionInput {
  return { type, status, reason, message };
}

describe('mergeConditions', () => {
  const cases: {
    name: string;
    previous: Condition[] | undefined;
    next: ConditionInput[];
    /** type → expected lastTransitionTime */
    times: Record<string, string>;
    order: string[];
  }[] = [
    {
      name: 'no previous: every condition is new',
      previous: undefined,
      next: [input('Ready', 'False'), input('DeploymentReady', 'False')],
      times: { Ready: NOW, DeploymentReady: NOW },
      order: ['Ready', 'DeploymentReady'],
    },
    {
      name: 'nothing flips: times kept although reason and message change',
      previous: [prev('Ready', 'False'), prev('DeploymentReady', 'False')],
      next: [
        input('Ready', 'False', 'NotReady', 'other words'),
        input('DeploymentReady', 'False', 'ReplicasUnavailable', 'x'),
      ],
      times: { Ready: T0, DeploymentReady: T0 },
      order: ['Ready', 'DeploymentReady'],
    },
    {
      name: 'a flip sets now on that condition only',
      previous: [prev('Ready', 'False'), prev('DeploymentReady', 'False')],
      next: [input('Ready', 'False'), input('DeploymentReady', 'True')],
      times: { Ready: T0, DeploymentReady: NOW },
      order: ['Ready', 'DeploymentReady'],
    },
    {
      name: 'Unknown to False is a flip',
      previous: [prev('Ready', 'Unknown')],
      next: [input('Ready', 'False')],
      times: { Ready: NOW },
      order: ['Ready'],
    },
    {
      name: 'Ready listed first wherever it is given, the rest in the given order',
      previous: undefined,
      next: [
        input('ServiceReady', 'True'),
        input('DeploymentReady', 'True'),
        input('Ready', 'True'),
        input('IngressReady', 'True'),
      ],
      times: { Ready: NOW, ServiceReady: NOW, DeploymentReady: NOW, IngressReady: NOW },
      order: ['Ready', 'ServiceReady', 'DeploymentReady', 'IngressReady'],
    },
    {
      name: 'types missing from next are dropped (sidecar gone)',
      previous: [
        prev('Ready', 'True'),
        prev('GatewayReady', 'True'),
        prev('DeploymentReady', 'True'),
      ],
      next: [input('Ready', 'True'), input('DeploymentReady', 'True')],
      times: { Ready: T0, DeploymentReady: T0 },
      order: ['Ready', 'DeploymentReady'],
    },
    {
      name: 'a type that comes back is new again',
      previous: [prev('Ready', 'True')],
      next: [input('Ready', 'True'), input('GatewayReady', 'True')],
      times: { Ready: T0, GatewayReady: NOW },
      order: ['Ready', 'GatewayReady'],
    },
    {
      name: 'a previous condition without a time gets now',
      previous: [{ ...prev('Ready', 'True'), lastTransitionTime: '' }],
      next: [input('Ready', 'True')],
      times: { Ready: NOW },
      order: ['Ready'],
    },
    {
      name: 'a type given twice keeps its first entry',
      previous: undefined,
      next: [input('Ready', 'True', 'First'), input('Ready', 'False', 'Second')],
      times: { Ready: NOW },
      order: ['Ready'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const merged = mergeConditions(c.previous, c.next, 7, NOW);
      assert.deepEqual(
        merged.map((x) => x.type),
        c.order,
      );
      for (const condition of merged) {
        assert.equal(condition.lastTransitionTime, c.times[condition.type], condition.type);
        assert.equal(condition.observedGeneration, 7, condition.type);
      }
    });
  }

  it('copies status, reason and message from next', () => {
    const [ready] = mergeConditions(
      [prev('Ready', 'False')],
      [input('Ready', 'False', 'RouteConflict', 'someone else holds the route')],
      3,
      NOW,
    );
    assert.deepEqual(ready, {
      type: 'Ready',
      status: 'False',
      observedGeneration: 3,
      lastTransitionTime: T0,
      reason: 'RouteConflict',
      message: 'someone else holds the route',
    });
  });

  it('does not modify previous', () => {
    const previous = [prev('Ready', 'False')];
    const copy = structuredClone(previous);
    mergeConditions(previous, [input('Ready', 'True')], 2, NOW);
    assert.deepEqual(previous, copy);
  });

  it('merging the same input twice is stable', () => {
    const next = [input('DeploymentReady', 'True'), input('Ready', 'True')];
    const once = mergeConditions(undefined, next, 1, NOW);
    const twice = mergeConditions(once, next, 1, '2030-01-01T00:00:00Z');
    assert.deepEqual(twice, once);
  });
});
