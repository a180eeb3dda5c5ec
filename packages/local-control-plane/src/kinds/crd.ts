// apiextensions.k8s.io/v1 CustomResourceDefinition: validated as
// apiextensions-apiserver does (crd-validation.ts); serving the resources it
// defines is controllers/crd-registrar.ts's. Served in JSON, YAML and protobuf,
// as apiextensions-apiserver serves it (protobuf/schema/apiextensions.ts).
import { atomic } from '../patch/merge-rules.ts';
import { validateCRD } from '../crd-validation.ts';
import { kindStrategy } from './strategy.ts';

export const customResourceDefinition = kindStrategy(
  'apiextensions.k8s.io',
  'v1',
  'CustomResourceDefinition',
  'customresourcedefinitions',
  {
    openapi: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    protobuf: 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  },
  {
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    statusSubresource: true,
    tracksGeneration: true,
    // Its first DELETE answers with the CRD (held by the customresourcecleanup
    // finalizer in apiextensions' customresourcedefinition/etcd.go); the plane
    // removes a CRD at once, so the CRD it answers with is already gone.
    returnsDeletedObject: true,
    validate: validateCRD,
    mergeRules: {
      'spec.versions': atomic,
      // The Go type has +listType=map but no patchStrategy tag, so SMP replaces it.
      'status.conditions': { list: { type: 'map', keys: ['type'] } },
    },
  },
);
