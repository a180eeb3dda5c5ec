// policy/v1 PodDisruptionBudget (pkg/registry/policy/poddisruptionbudget):
// stored with a status subresource and a generation that follows the spec; no
// disruption controller fills the status, so it stays whatever was written
// there. Validation is pkg/apis/policy/validation's spec checks.
import { goQuote } from '@mcp-operator/kube-core/go-format';
import { isObject } from '@mcp-operator/kube-core/json';
import type { FieldError } from '../errors.ts';
import { conditions } from '../patch/merge-rules.ts';
import { fieldError, GoLiteral } from '../schema/field.ts';
import type { KubeObject } from '../types.ts';
import { ageColumn, column, get, int, nameColumn, since } from './print.ts';
import { kindStrategy } from './strategy.ts';

const PERCENT = /^[0-9]+%$/;
const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** %#v of an intstr.IntOrString value (Type 0 for an int, 1 for a string). */
function goIntOrString(value: number | string): GoLiteral {
  return new GoLiteral(
    typeof value === 'number'
      ? `intstr.IntOrString{Type:0, IntVal:${value}, StrVal:""}`
      : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(value)}}`,
  );
}

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent (pkg/apis/apps/validation). */
function validateIntOrPercent(value: unknown, path: string): FieldError[] {
  if (typeof value === 'number') {
    return value < 0 ? [fieldError.invalid(path, value, 'must be greater than or equal to 0')] : [];
  }
  if (typeof value !== 'string') {
    return [fieldError.invalid(path, value, "must be an integer or percentage (e.g '5%')")];
  }
  if (!PERCENT.test(value)) {
    return [
      fieldError.invalid(
        path,
        goIntOrString(value),
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    ];
  }
  return Number(value.slice(0, -1)) > 100
    ? [fieldError.invalid(path, goIntOrString(value), 'must not be greater than 100%')]
    : [];
}

function validateSpec(object: KubeObject): FieldError[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const errors: FieldError[] = [];
  const set = (v: unknown) => v !== undefined && v !== null;
  if (set(spec.minAvailable) && set(spec.maxUnavailable)) {
    // The Go value is the whole spec struct; its pointers print as addresses.
    errors.push(
      fieldError.invalid(
        'spec',
        new GoLiteral('policy.PodDisruptionBudgetSpec{…}'),
        'minAvailable and maxUnavailable cannot be both set',
      ),
    );
  }
  if (set(spec.minAvailable))
    errors.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (set(spec.maxUnavailable)) {
    errors.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  }
  const policy = spec.unhealthyPodEvictionPolicy;
  if (set(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy as string)) {
    errors.push(
      fieldError.notSupported(
        'spec.unhealthyPodEvictionPolicy',
        policy,
        UNHEALTHY_POD_EVICTION_POLICIES,
      ),
    );
  }
  return errors;
}

/** IntOrString.String(): the number, or the string; "N/A" when unset. */
function intOrStringCell(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return 'N/A';
}

export const podDisruptionBudget = kindStrategy(
  'policy',
  'v1',
  'PodDisruptionBudget',
  'poddisruptionbudgets',
  {
    openapi: 'io.k8s.api.policy.v1.PodDisruptionBudget',
    protobuf: 'k8s.io.api.policy.v1.PodDisruptionBudget',
  },
  {
    shortNames: ['pdb'],
    statusSubresource: true,
    tracksGeneration: true,
    validate: validateSpec,
    mergeRules: { 'spec.selector': { map: 'atomic' }, ...conditions },
    printer: {
      columns: [
        nameColumn(),
        column('Min Available', 'The minimum number of pods that must be available.'),
        column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
        column(
          'Allowed Disruptions',
          'Calculated number of pods that may be disrupted at this time.',
          0,
          'integer',
        ),
        ageColumn(),
      ],
      row: (obj, now) => ({
        cells: [
          obj.metadata.name ?? '',
          intOrStringCell(get(obj.spec, 'minAvailable')),
          intOrStringCell(get(obj.spec, 'maxUnavailable')),
          int(get(obj.status, 'disruptionsAllowed')),
          since(obj.metadata.creationTimestamp, now),
        ],
      }),
    },
  },
);
