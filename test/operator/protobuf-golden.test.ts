// The operator's golden objects (test/operator/golden/*.yaml) and the MCPServer
// CustomResourceDefinition it generates round-trip through the local control
// plane's protobuf codec unchanged: what the operator builds is what a Go client
// would send and read back (apiextensions-apiserver serves CRDs in protobuf too).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import { decodeObject, encodeObject } from '@mcp-operator/local-control-plane/protobuf/index';
import type { TypedObject } from '@mcp-operator/local-control-plane/protobuf/index';

const TIME = '2024-05-01T10:20:30Z';
const LATER = '2024-05-01T10:25:00Z';
const managedFields = [
  {
    manager: 'mcp-operator',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: TIME,
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  },
];

function roundTrip(object: TypedObject): void {
  const { object: back } = decodeObject(encodeObject(object));
  assert.deepEqual(back, object);
}

/** The Kubernetes objects in test/operator/golden/*.yaml (each file starts with a summary). */
function goldenObjects(): TypedObject[] {
  const dir = new URL('./golden/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(new URL(f, dir), 'utf8'))
        .slice(1)
        .map((doc) => doc.toJS() as TypedObject),
    );
}

/** The golden Deployment, completed with what the server and the controller add. */
function deploymentWithStatus(golden: TypedObject): TypedObject {
  const metadata = golden['metadata'] as Record<string, unknown>;
  return {
    ...golden,
    metadata: {
      ...metadata,
      uid: 'd1',
      resourceVersion: '12',
      generation: 2,
      creationTimestamp: TIME,
      managedFields,
    },
    status: {
      observedGeneration: 2,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: LATER,
          lastTransitionTime: TIME,
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: LATER,
          lastTransitionTime: TIME,
          reason: 'NewReplicaSetAvailable',
          message: 'done',
        },
      ],
    },
  };
}

it('every object of the golden files (Deployments, Services, Ingresses, a pull Secret)', () => {
  const objects = goldenObjects();
  assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [
    'Deployment',
    'Ingress',
    'Secret',
    'Service',
  ]);
  for (const object of objects) roundTrip(object);
  for (const object of objects.filter((o) => o.kind === 'Deployment')) {
    roundTrip(deploymentWithStatus(object));
  }
});

// apiextensions v1 generated.proto and marshal.go: the generated openAPIV3Schema (defaults,
// enums, CEL rules, maps as additionalProperties) and the printer columns
// survive the wire, with and without the snippet-annotation rule, and with the status the
// apiextensions controllers write.
it('the MCPServer CustomResourceDefinition', () => {
  for (const options of [{}, { allowSnippetAnnotations: true }]) {
    const crd = mcpServerCRD(options) as unknown as TypedObject;
    roundTrip(crd);
    roundTrip({
      ...crd,
      metadata: { ...(crd['metadata'] as object), uid: 'c1', resourceVersion: '3', generation: 1 },
      status: {
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            lastTransitionTime: TIME,
            reason: 'NoConflicts',
            message: 'no conflicts found',
          },
          {
            type: 'Established',
            status: 'True',
            lastTransitionTime: TIME,
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
        acceptedNames: (crd['spec'] as { names: unknown }).names,
        storedVersions: ['v1alpha1'],
      },
    });
  }
});
