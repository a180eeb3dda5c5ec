// apps/v1 Deployment (pkg/registry/apps/deployment): defaults, the selector
// that must match the template and never changes, and the `scale` subresource.
import { deepEqual, isObject, type JsonObject } from '@mcp-operator/kube-core/json';
import { errors as apiErrors } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import { conditions, mount, objectMeta } from '../patch/merge-rules.ts';
import type { KubeObject } from '../types.ts';
import { obj, setDefault } from './defaulting.ts';
import { containerCells, defaultPodSpec, podSpec } from './pod-template.ts';
import { ageColumn, column, formatSelector, get, int, nameColumn, since } from './print.ts';
import { kindStrategy } from './strategy.ts';

function defaultDeployment(o: JsonObject) {
  const spec = obj(o, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = obj(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  const template = obj(spec, 'template');
  defaultPodSpec(obj(template, 'spec'));
}

function labelsMatch(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const want = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const have = isObject(labels) ? labels : {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

function validateDeployment(object: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isObject(object.spec) ? object.spec : {};
  const oldSpec = old && isObject(old.spec) ? old.spec : undefined;
  if (!isObject(spec.selector)) {
    errors.push({
      type: 'FieldValueRequired',
      field: 'spec.selector',
      message: 'Required value',
    });
    return errors;
  }
  const template = isObject(spec.template) ? spec.template : {};
  const labels = isObject(template.metadata) ? template.metadata.labels : undefined;
  if (!labelsMatch(spec.selector, labels)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.template.metadata.labels',
      message: `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
    });
  }
  // ValidateImmutableField compares values (apiequality.Semantic.DeepEqual): the order
  // of matchLabels keys is no change.
  if (oldSpec && !deepEqual(oldSpec.selector, spec.selector)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.selector',
      message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable`,
    });
  }
  return errors;
}

/**
 * scaleFromDeployment (pkg/registry/apps/deployment/storage): name, namespace,
 * uid, resourceVersion and creationTimestamp of the object, spec.replicas
 * (left out when 0, as Go's omitempty does), status.replicas (always shown)
 * and status.selector, the label selector as its string form.
 */
function scaleFromDeployment(object: KubeObject): KubeObject {
  const spec = isObject(object.spec) ? object.spec : {};
  const status = isObject(object.status) ? object.status : {};
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const selector = formatSelector(spec.selector);
  if (selector === '<invalid>') throw apiErrors.badRequest('invalid label selector');
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 0;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      ...(name !== undefined ? { name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(uid !== undefined ? { uid } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
      ...(creationTimestamp !== undefined ? { creationTimestamp } : {}),
    },
    spec: replicas ? { replicas } : {},
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      ...(selector ? { selector } : {}),
    },
  };
}

const CONTAINERS = 'Names of each container in the template.';
const IMAGES = 'Images referenced by each container in the template.';

export const deployment = kindStrategy(
  'apps',
  'v1',
  'Deployment',
  'deployments',
  { openapi: 'io.k8s.api.apps.v1.Deployment', protobuf: 'k8s.io.api.apps.v1.Deployment' },
  {
    shortNames: ['deploy'],
    categories: ['all'],
    statusSubresource: true,
    scale: { toScale: scaleFromDeployment },
    tracksGeneration: true,
    defaults: defaultDeployment,
    validate: validateDeployment,
    mergeRules: {
      'spec.selector': { map: 'atomic' },
      ...mount('spec.template.metadata', objectMeta),
      ...mount('spec.template.spec', podSpec),
      ...conditions,
    },
    printer: {
      columns: [
        nameColumn(),
        column('Ready', 'Number of the pod with ready state'),
        column(
          'Up-to-date',
          'Total number of pods targeted by this deployment with the newest spec.',
        ),
        column('Available', 'Total number of pods available to this deployment.'),
        ageColumn(),
        column('Containers', CONTAINERS, 1),
        column('Images', IMAGES, 1),
        column('Selector', 'Label selector for the pods of this deployment.', 1),
      ],
      row: (obj, now) => {
        const [names, images] = containerCells(get(obj.spec, 'template', 'spec'));
        return {
          cells: [
            obj.metadata.name ?? '',
            `${int(get(obj.status, 'readyReplicas'))}/${int(get(obj.spec, 'replicas'), 1)}`,
            int(get(obj.status, 'updatedReplicas')),
            int(get(obj.status, 'availableReplicas')),
            since(obj.metadata.creationTimestamp, now),
            names,
            images,
            formatSelector(get(obj.spec, 'selector')),
          ],
        };
      },
    },
  },
);
