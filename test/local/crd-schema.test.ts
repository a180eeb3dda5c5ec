import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import {
  RULES_NOT_CHECKED,
  applySchemaDefaults,
  processCustomResource,
  pruneUnknownFields,
  validateAgainstSchema,
} from '@mcp-operator/local-control-plane/crd-schema';
import { errors, type FieldError } from '@mcp-operator/local-control-plane/errors';
import { goFloat } from '@mcp-operator/kube-core/go-format';
import { badValue } from '@mcp-operator/local-control-plane/schema/field';
import type { KubeObject } from '@mcp-operator/local-control-plane/types';

const crdYaml = parse(
  readFileSync(new URL('../../config/crd/mcpruntime.org_mcpservers.yaml', import.meta.url), 'utf8'),
) as ReturnType<typeof mcpServerCRD>;
const mcpSchema = mcpServerCRD().spec.versions[0]!.schema.openAPIV3Schema;
const yamlSchema = crdYaml.spec.versions[0]!.schema.openAPIV3Schema;

/** `<field>: <message>`, as the HTTP layer renders a cause. */
const render = (e: FieldError) => `${e.field}: ${e.message}`;

function resource(
  spec: unknown,
  extra: Record<string, unknown> = {},
  name = 'weather',
): KubeObject {
  return {
    apiVersion: 'mcpruntime.org/v1alpha1',
    kind: 'MCPServer',
    metadata: { name, namespace: 'default' },
    spec,
    ...extra,
  };
}

function mcp(spec: Record<string, unknown>, name = 'weather'): KubeObject {
  return resource({ image: 'ghcr.io/acme/weather:1.0', ...spec }, {}, name);
}

/** A root schema whose spec is `spec`. */
function rootWith(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): StructuralSchema {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: spec,
    },
    ...extra,
  };
}

function errorsOf(spec: unknown, schema: StructuralSchema): string[] {
  return processCustomResource(resource(spec), schema).errors.map(render);
}

describe('pruneUnknownFields', () => {
  const schema = rootWith({
    type: 'object',
    properties: {
      image: { type: 'string' },
      nested: { type: 'object', properties: { keep: { type: 'string' } } },
      list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      labels: {
        type: 'object',
        additionalProperties: { type: 'object', properties: { v: { type: 'string' } } },
      },
      free: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { typed: { type: 'object', properties: { a: { type: 'string' } } } },
      },
      template: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } },
      },
    },
  });

  const cases: { name: string; spec: unknown; pruned: unknown; unknown: string[] }[] = [
    {
      name: 'drops unknown fields at every depth, paths sorted and without a leading dot',
      spec: { image: 'x', auth: { token: 'y' }, nested: { keep: 'k', drop: 1 } },
      pruned: { image: 'x', nested: { keep: 'k' } },
      unknown: ['spec.auth', 'spec.nested.drop'],
    },
    {
      name: 'prunes inside array items, with the index in the path',
      spec: { list: [{ name: 'a', x: 1 }, { name: 'b' }, { y: 2 }] },
      pruned: { list: [{ name: 'a' }, { name: 'b' }, {}] },
      unknown: ['spec.list[0].x', 'spec.list[2].y'],
    },
    {
      name: 'keeps map keys and prunes inside map values (key joined with a dot)',
      spec: { labels: { team: { v: '1', junk: true } } },
      pruned: { labels: { team: { v: '1' } } },
      unknown: ['spec.labels.team.junk'],
    },
    {
      name: 'x-kubernetes-preserve-unknown-fields keeps unknown fields but prunes declared ones',
      spec: { free: { anything: { deep: 1 }, typed: { a: 'x', b: 'y' } } },
      pruned: { free: { anything: { deep: 1 }, typed: { a: 'x' } } },
      unknown: ['spec.free.typed.b'],
    },
    {
      name: 'an embedded resource keeps apiVersion, kind and metadata',
      spec: {
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', anything: 1 },
          spec: { replicas: 1, other: 2 },
          status: {},
        },
      },
      pruned: {
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', anything: 1 },
          spec: { replicas: 1 },
        },
      },
      unknown: ['spec.template.spec.other', 'spec.template.status'],
    },
    {
      name: 'an object where the schema wants a string loses all its fields',
      spec: { image: { a: 1 } },
      pruned: { image: {} },
      unknown: ['spec.image.a'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = resource(c.spec, { status: { x: 1 } });
      const { value, unknownFields } = pruneUnknownFields(input, schema);
      assert.deepEqual((value as KubeObject).spec, c.pruned);
      assert.deepEqual(unknownFields, [...c.unknown, 'status'].sort());
      assert.deepEqual(input.spec, c.spec, 'the input is not modified');
    });
  }

  it('never prunes the resource apiVersion, kind or metadata', () => {
    const { value } = pruneUnknownFields(
      { apiVersion: 'a/v1', kind: 'K', metadata: { name: 'n', custom: 1 } },
      { type: 'object', properties: {} },
    );
    assert.deepEqual(value, { apiVersion: 'a/v1', kind: 'K', metadata: { name: 'n', custom: 1 } });
  });
});

describe('processCustomResource: decoding', () => {
  it('reports unknown fields as strict decoding names them (spec.auth, not .spec.auth)', () => {
    const out = processCustomResource(mcp({ auth: { token: 'x' } }), mcpSchema);
    assert.deepEqual(out.unknownFields, ['spec.auth']);
    assert.equal('auth' in (out.object.spec as object), false);
    assert.deepEqual(out.errors, []);
  });

  it('coerces metadata to ObjectMeta: unknown metadata fields go first, then the pruned ones', () => {
    const obj = mcp({ zz: 1 });
    const owner = { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', extra: 1 };
    obj.metadata = { name: 'weather', labels: { a: 'b' }, bogus: true, ownerReferences: [owner] };
    const out = processCustomResource(obj, mcpSchema);
    assert.deepEqual(out.unknownFields, [
      'metadata.bogus',
      'metadata.ownerReferences[0].extra',
      'spec.zz',
    ]);
    assert.deepEqual(out.object.metadata, {
      name: 'weather',
      labels: { a: 'b' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }],
    });
  });

  it('applies the checked-in CRD defaults to a minimal MCPServer', () => {
    const out = processCustomResource(
      mcp({ tools: [{ name: 'forecast', sideEffect: 'read' }] }),
      yamlSchema,
    );
    assert.deepEqual(out.object.spec, {
      image: 'ghcr.io/acme/weather:1.0',
      tools: [{ name: 'forecast', sideEffect: 'read', requiredTrust: 'low' }],
      replicas: 1,
      port: 8088,
      servicePort: 80,
      ingressClass: 'traefik',
    });
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.unknownFields, []);
  });

  describe('nulls', () => {
    const schema = rootWith({
      type: 'object',
      properties: {
        plain: { type: 'string' },
        defaulted: { type: 'string', default: 'd' },
        nullable: { type: 'string', nullable: true },
        nullableDefaulted: { type: 'string', nullable: true, default: 'd' },
        names: { type: 'array', items: { type: 'string' } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
      },
    });
    it('drops non-nullable nulls, defaults non-nullable defaulted nulls, keeps nullable nulls', () => {
      const out = processCustomResource(
        resource({
          plain: null,
          defaulted: null,
          nullable: null,
          nullableDefaulted: null,
          map: { k: null },
        }),
        schema,
      );
      assert.deepEqual(out.object.spec, {
        defaulted: 'd',
        nullable: null,
        nullableDefaulted: null,
        map: {},
      });
      assert.deepEqual(out.errors, []);
    });
    it('keeps a null array item, which then fails the type check', () => {
      assert.deepEqual(errorsOf({ names: ['a', null] }, schema), [
        'spec.names[1]: Invalid value: "null": spec.names[1] in body must be of type string: "null"',
      ]);
    });
  });
});

describe('applySchemaDefaults', () => {
  const schema = rootWith({
    type: 'object',
    properties: {
      replicas: { type: 'integer', default: 1 },
      gateway: {
        type: 'object',
        properties: {
          port: { type: 'integer', default: 8091 },
          tls: { type: 'object', properties: { enabled: { type: 'boolean', default: false } } },
        },
      },
      server: {
        type: 'object',
        default: {},
        properties: { port: { type: 'integer', default: 8088 } },
      },
      tools: {
        type: 'array',
        items: { type: 'object', properties: { trust: { type: 'string', default: 'low' } } },
      },
      limits: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: { max: { type: 'integer', default: 10 } },
        },
      },
    },
  });
  const cases: { name: string; spec: unknown; want: unknown }[] = [
    {
      name: 'fills absent fields, and nested defaults only inside objects that exist',
      spec: {},
      want: { replicas: 1, server: { port: 8088 } },
    },
    {
      name: 'a present parent gets its defaults, a grandchild object that is absent does not',
      spec: { gateway: {} },
      want: { replicas: 1, gateway: { port: 8091 }, server: { port: 8088 } },
    },
    {
      name: 'never overwrites a value',
      spec: { replicas: 0, gateway: { port: 9000, tls: {} }, server: { port: 1 } },
      want: { replicas: 0, gateway: { port: 9000, tls: { enabled: false } }, server: { port: 1 } },
    },
    {
      name: 'defaults inside array items and map values',
      spec: { tools: [{}, { trust: 'high' }], limits: { cpu: {}, mem: { max: 2 } } },
      want: {
        replicas: 1,
        server: { port: 8088 },
        tools: [{ trust: 'low' }, { trust: 'high' }],
        limits: { cpu: { max: 10 }, mem: { max: 2 } },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = applySchemaDefaults(resource(c.spec), schema) as KubeObject;
      assert.deepEqual(out.spec, c.want);
    });
  }
});

describe('validateAgainstSchema: every keyword with kube-openapi wording', () => {
  const spec = {
    type: 'object',
    required: ['image'],
    properties: {
      image: { type: 'string', minLength: 1, maxLength: 8, pattern: '^[a-z]+$' },
      port: { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 },
      ratio: {
        type: 'number',
        minimum: 0,
        exclusiveMinimum: true,
        maximum: 1000000,
        multipleOf: 0.5,
      },
      step: { type: 'integer', multipleOf: 5, maximum: 10, exclusiveMaximum: true },
      mode: { type: 'string', enum: ['read', 'write', 'destructive'] },
      level: { type: 'integer', enum: [1, 2] },
      at: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      id: { type: 'string', format: 'uuid' },
      flag: { type: 'boolean' },
      size: { 'x-kubernetes-int-or-string': true },
      tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
      labels: {
        type: 'object',
        minProperties: 1,
        maxProperties: 2,
        additionalProperties: { type: 'string', maxLength: 3 },
      },
      nested: {
        type: 'object',
        required: ['a', 'b'],
        properties: { a: { type: 'string' }, b: { type: 'string' } },
      },
    },
  };
  const schema = rootWith(spec);
  const cases: { name: string; spec: Record<string, unknown>; want: [string, string][] }[] = [
    {
      name: 'a string where an integer belongs',
      spec: { image: 'a', port: 'abc' },
      want: [
        [
          'FieldValueTypeInvalid',
          'spec.port: Invalid value: "string": spec.port in body must be of type integer: "string"',
        ],
      ],
    },
    {
      name: 'a float where an integer belongs (format int32 is not one kube validates)',
      spec: { image: 'a', port: 1.5 },
      want: [
        [
          'FieldValueTypeInvalid',
          'spec.port: Invalid value: "number": spec.port in body must be of type integer: "number"',
        ],
      ],
    },
    {
      name: 'int32 range is not checked (kube drops the format)',
      spec: { image: 'a', port: 3000000000 },
      want: [
        [
          'FieldValueInvalid',
          'spec.port: Invalid value: 3000000000: spec.port in body should be less than or equal to 65535',
        ],
      ],
    },
    {
      // kube-openapi checks a non-string against the format first, naming the data's format.
      name: 'a number where a date-time string belongs, and a bool type',
      spec: { image: 'a', flag: 'yes', at: 5 },
      want: [
        [
          'FieldValueTypeInvalid',
          'spec.at: Invalid value: "int64": spec.at in body must be of type date-time: "int64"',
        ],
        [
          'FieldValueTypeInvalid',
          'spec.flag: Invalid value: "string": spec.flag in body must be of type boolean: "string"',
        ],
      ],
    },
    {
      name: 'required, on the child path',
      spec: { nested: { a: 'x' } },
      want: [
        ['FieldValueRequired', 'spec.nested.b: Required value'],
        ['FieldValueRequired', 'spec.image: Required value'],
      ],
    },
    {
      name: 'maximum and minimum with integers',
      spec: { image: 'a', port: 70000 },
      want: [
        [
          'FieldValueInvalid',
          'spec.port: Invalid value: 70000: spec.port in body should be less than or equal to 65535',
        ],
      ],
    },
    {
      name: 'minimum 1',
      spec: { image: 'a', port: 0 },
      want: [
        [
          'FieldValueInvalid',
          'spec.port: Invalid value: 0: spec.port in body should be greater than or equal to 1',
        ],
      ],
    },
    {
      name: 'exclusive bounds, multipleOf, float bounds printed as Go prints float64',
      spec: { image: 'a', ratio: 1000001.5, step: 10 },
      want: [
        [
          'FieldValueInvalid',
          'spec.ratio: Invalid value: 1.0000015e+06: spec.ratio in body should be less than or equal to 1e+06',
        ],
        [
          'FieldValueInvalid',
          'spec.step: Invalid value: 10: spec.step in body should be less than 10',
        ],
      ],
    },
    {
      name: 'exclusive minimum and multipleOf',
      spec: { image: 'a', ratio: 0, step: 7 },
      want: [
        [
          'FieldValueInvalid',
          'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
        ],
        [
          'FieldValueInvalid',
          'spec.step: Invalid value: 7: spec.step in body should be a multiple of 5',
        ],
      ],
    },
    {
      name: 'float multipleOf',
      spec: { image: 'a', ratio: 0.3 },
      want: [
        [
          'FieldValueInvalid',
          'spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.5',
        ],
      ],
    },
    {
      name: 'too long: the value is not shown, and maxLength wins over pattern',
      spec: { image: 'ABCDEFGHIJ' },
      want: [['FieldValueTooLong', 'spec.image: Too long: may not be more than 8 bytes']],
    },
    {
      name: 'maxLength counts characters, not bytes',
      spec: { image: 'ééééééé' },
      want: [
        [
          'FieldValueInvalid',
          'spec.image: Invalid value: "ééééééé": spec.image in body should match \'^[a-z]+$\'',
        ],
      ],
    },
    {
      name: 'minLength',
      spec: { image: '' },
      want: [
        [
          'FieldValueInvalid',
          'spec.image: Invalid value: "": spec.image in body should be at least 1 chars long',
        ],
      ],
    },
    {
      name: 'pattern',
      spec: { image: 'a b' },
      want: [
        [
          'FieldValueInvalid',
          'spec.image: Invalid value: "a b": spec.image in body should match \'^[a-z]+$\'',
        ],
      ],
    },
    {
      name: 'enum of strings and of integers',
      spec: { image: 'a', mode: 'x', level: 3 },
      want: [
        [
          'FieldValueNotSupported',
          'spec.mode: Unsupported value: "x": supported values: "read", "write", "destructive"',
        ],
        ['FieldValueNotSupported', 'spec.level: Unsupported value: 3: supported values: "1", "2"'],
      ],
    },
    {
      name: 'formats date-time, date and uuid',
      spec: { image: 'a', at: 'yesterday', day: '2024-02-30', id: 'nope' },
      want: [
        [
          'FieldValueTypeInvalid',
          'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"',
        ],
        [
          'FieldValueTypeInvalid',
          'spec.day: Invalid value: "2024-02-30": spec.day in body must be of type date: "2024-02-30"',
        ],
        [
          'FieldValueTypeInvalid',
          'spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"',
        ],
      ],
    },
    {
      name: 'valid formats pass',
      spec: {
        image: 'a',
        at: '2024-05-01T10:00:00Z',
        day: '2024-02-29',
        id: '123e4567-e89b-12d3-a456-426614174000',
      },
      want: [],
    },
    {
      name: 'x-kubernetes-int-or-string accepts both, names both types otherwise',
      spec: { image: 'a', size: true },
      want: [
        [
          'FieldValueTypeInvalid',
          'spec.size: Invalid value: "boolean": spec.size in body must be of type integer,string: "boolean"',
        ],
      ],
    },
    {
      name: 'minItems and maxItems',
      spec: { image: 'a', tags: ['a', 'b', 'c'] },
      want: [['FieldValueTooMany', 'spec.tags: Too many: 3: must have at most 2 items']],
    },
    {
      name: 'minItems',
      spec: { image: 'a', tags: [] },
      want: [
        [
          'FieldValueInvalid',
          'spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items',
        ],
      ],
    },
    {
      name: 'maxProperties stops the object there; map values are checked with a dotted path',
      spec: { image: 'a', labels: { a: 'x', b: 'y', c: 'z' } },
      want: [['FieldValueTooMany', 'spec.labels: Too many: 3: must have at most 2 items']],
    },
    {
      name: 'map value paths',
      spec: { image: 'a', labels: { team: 'toolong' } },
      want: [['FieldValueTooLong', 'spec.labels.team: Too long: may not be more than 3 bytes']],
    },
    {
      name: 'minProperties',
      spec: { image: 'a', labels: {} },
      want: [
        [
          'FieldValueInvalid',
          'spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties',
        ],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = validateAgainstSchema(resource(c.spec), schema).map((e) => [e.type, render(e)]);
      assert.deepEqual(got, c.want);
    });
  }

  it('nullable lets null through, a non-nullable null is a type error', () => {
    const s = rootWith({
      type: 'object',
      properties: { a: { type: 'string', nullable: true }, b: { type: 'object' } },
    });
    assert.deepEqual(validateAgainstSchema(resource({ a: null, b: null }), s).map(render), [
      'spec.b: Invalid value: "null": spec.b in body must be of type object: "null"',
    ]);
  });

  it('a wrong type at the root of the value names the root <nil>', () => {
    assert.deepEqual(validateAgainstSchema('x', { type: 'object' }).map(render), [
      '<nil>: Invalid value: "string":  in body must be of type object: "string"',
    ]);
  });
});

describe('processCustomResource: list types and embedded resources', () => {
  const schema = rootWith({
    type: 'object',
    properties: {
      tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        items: {
          type: 'object',
          required: ['port'],
          properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
        },
      },
      conditions: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        items: { type: 'object', properties: { type: { type: 'string' } } },
      },
      template: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        'x-kubernetes-preserve-unknown-fields': true,
      },
    },
  });

  it('reports the second occurrence of a set element once', () => {
    assert.deepEqual(errorsOf({ tags: ['a', 'b', 'a', 'a'] }, schema), [
      'spec.tags[2]: Duplicate value: "a"',
    ]);
  });

  it('reports list-type map duplicates with their keys as Go prints a map (after defaulting)', () => {
    const out = processCustomResource(
      resource({
        ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }],
        conditions: [{ type: 'Ready' }, { type: 'Ready' }],
      }),
      schema,
    );
    assert.deepEqual(
      out.errors.map((e) => [e.type, render(e)]),
      [
        [
          'FieldValueDuplicate',
          'spec.ports[1]: Duplicate value: map[string]interface {}{"port":80, "protocol":"TCP"}',
        ],
        [
          'FieldValueDuplicate',
          'spec.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}',
        ],
      ],
    );
  });

  it('the checked-in CRD: a repeated status condition type is a duplicate', () => {
    const obj = mcp({});
    obj.status = {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastTransitionTime: '2024-01-01T00:00:00Z',
          reason: 'Ok',
          message: '',
        },
        {
          type: 'Ready',
          status: 'False',
          lastTransitionTime: '2024-01-01T00:00:00Z',
          reason: 'No',
          message: '',
        },
      ],
    };
    assert.deepEqual(processCustomResource(obj, yamlSchema).errors.map(render), [
      'status.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}',
    ]);
  });

  it('validates embedded resources: apiVersion and kind required, kind a DNS-1035 label', () => {
    assert.deepEqual(errorsOf({ template: { metadata: {} } }, schema), [
      'spec.template.apiVersion: Required value',
      'spec.template.kind: Required value',
    ]);
    assert.deepEqual(errorsOf({ template: { apiVersion: 'a/b/c', kind: 'My_Kind' } }, schema), [
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      "spec.template.kind: Invalid value: \"My_Kind\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(
      errorsOf({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a/b' } } }, schema),
      ['spec.template.metadata.name: Invalid value: "a/b": may not contain \'/\''],
    );
  });

  it('coerces the metadata of embedded resources and reports what it drops', () => {
    const out = processCustomResource(
      resource({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 } } }),
      schema,
    );
    assert.deepEqual(out.unknownFields, ['spec.template.metadata.junk']);
  });
});

describe('processCustomResource: CEL rules of the project CRD', () => {
  const schemas: [string, StructuralSchema][] = [
    ['mcpServerCRD()', mcpSchema],
    ['config/crd YAML', yamlSchema],
  ];
  const invalid: { name: string; obj: KubeObject; want: string[] }[] = [
    {
      name: 'a duplicate tool name',
      obj: mcp({
        tools: [
          { name: 'forecast', sideEffect: 'read' },
          { name: 'forecast', sideEffect: 'write' },
        ],
      }),
      want: [
        'spec.tools: Invalid value: "array": tool names must be unique; rename or remove the duplicate',
      ],
    },
    {
      name: 'gateway.port equal to port (both explicit)',
      obj: mcp({ port: 9000, gateway: { port: 9000 } }),
      want: [
        'spec: Invalid value: "object": gateway.port must differ from port: the sidecar and the server share the pod',
      ],
    },
    {
      name: 'gateway.port equal to the defaulted port',
      obj: mcp({ gateway: { port: 8088 } }),
      want: [
        'spec: Invalid value: "object": gateway.port must differ from port: the sidecar and the server share the pod',
      ],
    },
    {
      name: 'a name over 63 characters (a root rule: the field is <nil>)',
      obj: mcp({}, 'a'.repeat(64)),
      want: [
        '<nil>: Invalid value: "object": metadata.name must be at most 63 characters: it names the Service and the container',
      ],
    },
    {
      name: 'a name that is not a DNS-1035 label',
      obj: mcp({}, '9lives'),
      want: [
        '<nil>: Invalid value: "object": metadata.name must be a DNS-1035 label: lower-case letters, digits and -, starting with a letter and ending with a letter or digit',
      ],
    },
    {
      name: 'a snippet annotation',
      obj: mcp({
        ingressAnnotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'return 200;' },
      }),
      want: [
        'spec.ingressAnnotations: Invalid value: "object": ingressAnnotations may not set *-snippet annotations, which inject proxy configuration; remove them (a cluster admin can allow them with MCP_ALLOW_SNIPPET_ANNOTATIONS=true)',
      ],
    },
    {
      name: 'whitespace in the image, a bad quantity, a variable in envVars and secretEnvVars',
      obj: mcp({
        image: 'ghcr.io/acme/weather 1.0',
        resources: { limits: { cpu: 'lots' } },
        envVars: [{ name: 'TOKEN', value: 'x' }],
        secretEnvVars: [{ name: 'TOKEN', secretKeyRef: { name: 's', key: 'k' } }],
      }),
      want: [
        'spec: Invalid value: "object": an environment variable name may appear in envVars or in secretEnvVars, not in both',
        'spec.image: Invalid value: "string": image must not contain whitespace',
        'spec.resources.limits.cpu: Invalid value: "string": must be a Kubernetes quantity such as 500m, 2, 64Mi or 1Gi',
      ],
    },
  ];
  for (const [label, schema] of schemas) {
    describe(label, () => {
      it('accepts a valid MCPServer with every optional block', () => {
        const obj = mcp({
          imageTag: 'v1',
          replicas: 2,
          port: 8080,
          gateway: { enabled: true, port: 8091, upstreamURL: 'http://127.0.0.1:8080' },
          ingressHost: 'mcp.example.com',
          ingressAnnotations: { 'traefik.ingress.kubernetes.io/router.tls': 'true' },
          resources: {
            requests: { cpu: '50m', memory: '64Mi' },
            limits: { cpu: '1', memory: '1Gi' },
          },
          tools: [
            { name: 'forecast', sideEffect: 'read' },
            { name: 'alert', sideEffect: 'write', requiredTrust: 'high' },
          ],
          envVars: [{ name: 'LOG_LEVEL', value: 'debug' }],
        });
        const out = processCustomResource(obj, schema);
        assert.deepEqual(out.errors, []);
        assert.deepEqual(out.unknownFields, []);
      });
      it('accepts gateway.port == port when the gateway is disabled', () => {
        assert.deepEqual(
          processCustomResource(mcp({ gateway: { enabled: false, port: 8088 } }), schema).errors,
          [],
        );
      });
      for (const c of invalid) {
        it(`rejects ${c.name}`, () => {
          assert.deepEqual(processCustomResource(c.obj, schema).errors.map(render), c.want);
        });
      }
    });
  }

  it('renders through errors.invalid as kube-apiserver does', () => {
    const out = processCustomResource(mcp({ port: 9000, gateway: { port: 9000 } }), mcpSchema);
    const err = errors.invalid('MCPServer', 'mcpruntime.org', 'weather', out.errors);
    assert.equal(
      err.message,
      'MCPServer.mcpruntime.org "weather" is invalid: spec: Invalid value: "object": gateway.port must differ from port: the sidecar and the server share the pod',
    );
    assert.deepEqual(err.details?.causes, [
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: "object": gateway.port must differ from port: the sidecar and the server share the pod',
        field: 'spec',
      },
    ]);
  });

  it('skips the rules after a type, required, enum or size error, and says so', () => {
    const out = processCustomResource(
      mcp({
        port: 'x',
        tools: [
          { name: 'a', sideEffect: 'read' },
          { name: 'a', sideEffect: 'read' },
        ],
      }),
      mcpSchema,
    );
    assert.deepEqual(out.errors.map(render), [
      'spec.port: Invalid value: "string": spec.port in body must be of type integer: "string"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    assert.deepEqual(out.errors.at(-1), RULES_NOT_CHECKED);
  });

  it('still runs the rules after a pattern-like Invalid error', () => {
    const out = processCustomResource(
      mcp({
        image: '',
        tools: [
          { name: 'a', sideEffect: 'read' },
          { name: 'a', sideEffect: 'read' },
        ],
      }),
      mcpSchema,
    );
    assert.deepEqual(out.errors.map(render), [
      'spec.image: Invalid value: "": spec.image in body should be at least 1 chars long',
      'spec.tools: Invalid value: "array": tool names must be unique; rename or remove the duplicate',
    ]);
  });

  it('lets metadata errors from the store lead the list and block the rules', () => {
    const metadataError: FieldError = {
      type: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    };
    const out = processCustomResource(mcp({ port: 1, gateway: { port: 1 } }), mcpSchema, {
      metadataErrors: [metadataError],
    });
    assert.deepEqual(out.errors, [metadataError, RULES_NOT_CHECKED]);
  });
});

describe('processCustomResource: CEL rule features', () => {
  const schema = rootWith({
    type: 'object',
    properties: {
      replicas: {
        type: 'integer',
        'x-kubernetes-validations': [
          { rule: 'self >= oldSelf', message: 'replicas may not decrease' },
        ],
      },
      name: {
        type: 'string',
        maxLength: 20,
        'x-kubernetes-validations': [
          { rule: 'self == oldSelf', message: 'name is immutable', reason: 'FieldValueForbidden' },
        ],
      },
      limits: {
        type: 'object',
        properties: {
          min: { type: 'integer' },
          max: { type: 'integer' },
          missing: { type: 'integer' },
        },
        'x-kubernetes-validations': [
          {
            rule: 'self.min <= self.max',
            messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)",
            fieldPath: '.min',
          },
          { rule: 'self.max < 100' },
          { rule: 'self.missing == 1' },
        ],
        required: ['min', 'max'],
      },
      labels: {
        type: 'object',
        maxProperties: 5,
        additionalProperties: {
          type: 'string',
          maxLength: 10,
          'x-kubernetes-validations': [
            { rule: "!self.startsWith('-')", message: 'no leading dash' },
          ],
        },
      },
    },
  });

  it('messageExpression, fieldPath, the default message and map-entry paths', () => {
    assert.deepEqual(errorsOf({ limits: { min: 500, max: 200 }, labels: { team: '-x' } }, schema), [
      'spec.limits.min: Invalid value: "object": min 500 exceeds max 200',
      'spec.limits: Invalid value: "object": failed rule: self.max < 100',
      'spec.limits: Invalid value: "object": no such key: missing evaluating rule: self.missing == 1',
      'spec.labels[team]: Invalid value: "string": no leading dash',
    ]);
  });

  it('transition rules run only on update, against the old value', () => {
    const create = processCustomResource(resource({ replicas: 1, name: 'a' }), schema);
    assert.deepEqual(create.errors, []);
    const update = processCustomResource(resource({ replicas: 1, name: 'b' }), schema, {
      oldObject: resource({ replicas: 3, name: 'a' }),
    });
    assert.deepEqual(
      update.errors.map((e) => [e.type, render(e)]),
      [
        ['FieldValueInvalid', 'spec.replicas: Invalid value: "integer": replicas may not decrease'],
        ['FieldValueForbidden', 'spec.name: Forbidden: name is immutable'],
      ],
    );
  });

  it('a field absent from the old object does not run its transition rules', () => {
    const update = processCustomResource(resource({ replicas: 1 }), schema, {
      oldObject: resource({}),
    });
    assert.deepEqual(update.errors, []);
  });
});

describe('processCustomResource: CEL values', () => {
  const schema = rootWith({
    type: 'object',
    properties: {
      'max-size': { type: 'integer' },
      size: { 'x-kubernetes-int-or-string': true },
      ratio: { type: 'number' },
    },
    'x-kubernetes-validations': [
      {
        rule: '!has(self.max__dash__size) || self.max__dash__size <= 10',
        message: 'max-size at most 10',
      },
      {
        rule: "!has(self.size) || (type(self.size) == int ? self.size < 5 : self.size.endsWith('%'))",
        message: 'size is a small number or a percentage',
      },
      { rule: '!has(self.ratio) || self.ratio < 1.0', message: 'ratio below 1' },
    ],
  });

  it('reaches properties by their escaped CEL names and types int-or-string values', () => {
    assert.deepEqual(errorsOf({ 'max-size': 3, size: '50%', ratio: 0.5 }, schema), []);
    assert.deepEqual(errorsOf({ 'max-size': 30, size: 7, ratio: 2 }, schema), [
      'spec: Invalid value: "object": max-size at most 10',
      'spec: Invalid value: "object": size is a small number or a percentage',
      'spec: Invalid value: "object": ratio below 1',
    ]);
  });

  it('sees only name and generateName of the root metadata', () => {
    const rooted = rootWith(
      { type: 'object' },
      {
        'x-kubernetes-validations': [
          {
            rule: "self.metadata.name == 'weather' && !has(self.metadata.generateName)",
            message: 'named weather',
          },
        ],
      },
    );
    const obj = resource({});
    obj.metadata.labels = { a: 'b' };
    assert.deepEqual(processCustomResource(obj, rooted).errors, []);
  });

  it("reports a rule that does not compile as kube's validator does (rule compile error)", () => {
    // The root's metadata declares only name and generateName, so cel-go
    // rejects `labels` at compile time (at the has() macro's parenthesis):
    // kube refuses such a CRD, and a validator built from the schema anyway
    // reports `rule compile error`.
    const rooted = rootWith(
      { type: 'object' },
      { 'x-kubernetes-validations': [{ rule: '!has(self.metadata.labels)', message: 'hidden' }] },
    );
    assert.deepEqual(processCustomResource(resource({}), rooted).errors.map(render), [
      '<nil>: Invalid value: "object": rule compile error: compilation failed: ERROR: <input>:1:5: undefined field \'labels\'\n | !has(self.metadata.labels)\n | ....^',
    ]);
  });

  it('words evaluation errors as cel-go does', () => {
    const failing = rootWith({
      type: 'object',
      properties: {
        m: { type: 'object', additionalProperties: { type: 'string' } },
        l: { type: 'array', items: { type: 'string' } },
        n: { type: 'integer' },
      },
      'x-kubernetes-validations': [
        { rule: "self.m['x'] == 'a'" },
        { rule: "self.l[3] == 'a'", message: 'fourth is a' },
        { rule: 'self.n / 0 == 1' },
        { rule: 'self.n + 9223372036854775807 > 0' },
      ],
    });
    assert.deepEqual(errorsOf({ m: {}, l: [], n: 1 }, failing), [
      `spec: Invalid value: "object": no such key: x evaluating rule: self.m['x'] == 'a'`,
      `spec: Invalid value: "object": index '3' out of range in list size '0' evaluating rule: fourth is a`,
      'spec: Invalid value: "object": division by zero evaluating rule: self.n / 0 == 1',
      'spec: Invalid value: "object": integer overflow evaluating rule: self.n + 9223372036854775807 > 0',
    ]);
  });

  it('turns a failing library call into an evaluation error instead of throwing', () => {
    const listed = rootWith({
      type: 'object',
      properties: { xs: { type: 'array', items: { type: 'integer' } } },
      'x-kubernetes-validations': [{ rule: 'self.xs.max() < 3', message: 'small' }],
    });
    const [error] = processCustomResource(resource({ xs: [] }), listed).errors;
    assert.equal(error?.field, 'spec');
    assert.match(error?.message ?? '', /^Invalid value: "object": .* evaluating rule: small$/);
  });
});

describe('Go renderings of bad values', () => {
  const cases: [unknown, string][] = [
    ['a "quoted"\nline', '"a \\"quoted\\"\\nline"'],
    [null, '"null"'],
    [70000, '70000'],
    [1.5, '1.5'],
    [1000000.5, '1.0000005e+06'],
    [0.00001, '1e-05'],
    [123456.5, '123456.5'],
    [true, 'true'],
    [{ b: 1, a: 'x' }, 'map[string]interface {}{"a":"x", "b":1}'],
    [['x', 2, null], '[]interface {}{"x", 2, interface {}(nil)}'],
  ];
  for (const [value, want] of cases) {
    it(`prints ${JSON.stringify(value)} as ${want}`, () => {
      assert.equal(badValue(value), want);
    });
  }
  it('prints float bounds with Go %v', () => {
    assert.deepEqual([1e6, 1e21, 65535, 2.5e-5].map(goFloat), [
      '1e+06',
      '1e+21',
      '65535',
      '2.5e-05',
    ]);
  });
});
