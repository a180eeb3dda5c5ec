import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { mcpServerCRD } from '../../src/api/v1alpha1/crd.ts';
import type { FieldError } from '@mcp-operator/local-control-plane/errors';
import {
  applyCRDDefaults,
  crdStatus,
  resourceTypeFromCRD,
  validateCRD,
} from '@mcp-operator/local-control-plane/crd-validation';
import type { KubeObject } from '@mcp-operator/local-control-plane/types';

/** A schema node as the tests edit it. */
interface Node {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  [key: string]: unknown;
}

interface Column {
  name?: string;
  type: string;
  jsonPath: string;
  format?: string;
  priority?: number;
  description?: string;
}

interface Version {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema: Node };
  subresources?: Record<string, unknown>;
  additionalPrinterColumns?: Column[];
}

/** A CRD as the tests edit it. */
interface CRD {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { group: string; scope: string; names: Record<string, unknown>; versions: Version[] };
  status?: Record<string, unknown>;
}

const kube = (crd: CRD) => crd as unknown as KubeObject;

const checkedIn = parse(
  readFileSync(new URL('../../config/crd/mcpruntime.org_mcpservers.yaml', import.meta.url), 'utf8'),
) as CRD;

const render = (e: FieldError) => `${e.field}: ${e.message}`;

/** A copy of the project's CRD to break. */
function projectCRD(): CRD {
  return structuredClone(mcpServerCRD()) as unknown as CRD;
}

/** The first version of a CRD copy. */
function version(crd: CRD): Version {
  return crd.spec.versions[0]!;
}

/** A node's properties, created when absent. */
function props(node: Node): Record<string, Node> {
  return (node.properties ??= {});
}

/** One property schema of a node. */
function prop(node: Node, name: string): Node {
  return props(node)[name]!;
}

/** The (single) version's openAPIV3Schema of a CRD copy. */
function schemaOf(crd: CRD): Node {
  return crd.spec.versions[0]!.schema!.openAPIV3Schema;
}

/** The `spec` property schema of a CRD copy. */
function specOf(crd: CRD): Node {
  return schemaOf(crd).properties!.spec!;
}

/** A small valid CRD to vary. */
function widgetCRD(spec: Node = {}): CRD {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
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
                spec: { type: 'object', properties: { size: { type: 'integer' } }, ...spec },
              },
            },
          },
        },
      ],
    },
  };
}

function check(crd: CRD): string[] {
  return validateCRD(kube(crd)).map(render);
}

const SCHEMA = 'spec.validation.openAPIV3Schema';
const SPEC = `${SCHEMA}.properties[spec]`;

describe('validateCRD: the project CRD', () => {
  it('accepts mcpServerCRD()', () => {
    assert.deepEqual(validateCRD(mcpServerCRD() as unknown as KubeObject), []);
  });
  it('accepts the checked-in YAML', () => {
    assert.deepEqual(validateCRD(kube(checkedIn)), []);
  });
  it('accepts the variant that allows snippet annotations', () => {
    assert.deepEqual(
      validateCRD(mcpServerCRD({ allowSnippetAnnotations: true }) as unknown as KubeObject),
      [],
    );
  });
});

describe('validateCRD: names, versions and scope', () => {
  it('requires the name to be <plural>.<group>', () => {
    const crd = projectCRD();
    crd.metadata.name = 'servers.mcpruntime.org';
    assert.deepEqual(check(crd), [
      'metadata.name: Invalid value: "servers.mcpruntime.org": must be spec.names.plural+"."+spec.group',
    ]);
  });

  it('requires exactly one storage version, and a stored version', () => {
    const crd = projectCRD();
    version(crd).storage = false;
    assert.deepEqual(check(crd), [
      'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1alpha1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}: must have exactly one version marked as storage version',
      'status.storedVersions: Invalid value: []string(nil): must have at least one stored version',
    ]);
  });

  it('rejects two storage versions: only the first is recorded as stored', () => {
    const crd = widgetCRD();
    crd.spec.versions.push({ ...structuredClone(version(crd)), name: 'v2' });
    assert.deepEqual(
      validateCRD(kube(crd)).map((e) => [e.field, e.message.replace(/^Invalid value: .*: /, '')]),
      [
        ['spec.versions', 'must have exactly one version marked as storage version'],
        ['status.storedVersions', 'must have the storage version v2'],
      ],
    );
  });

  it('rejects two storage versions and duplicate version names', () => {
    const crd = widgetCRD();
    crd.spec.versions.push(structuredClone(version(crd)));
    const errors = validateCRD(kube(crd));
    assert.deepEqual(
      errors.map((e) => [e.field, e.message.replace(/^Invalid value: .*: /, '')]),
      [
        ['spec.versions', 'must contain unique version names'],
        ['spec.versions', 'must have exactly one version marked as storage version'],
        // storedVersions holds v1 once; the second storage v1 finds it already matched.
        ['status.storedVersions', 'must have the storage version v1'],
      ],
    );
    assert.ok(errors.every((e) => e.type === 'FieldValueInvalid'));
  });

  it('checks group, scope, names and version names', () => {
    const crd = widgetCRD();
    crd.metadata.name = 'widgets.example';
    crd.spec.group = 'example';
    crd.spec.scope = 'Global';
    crd.spec.names = { kind: 'Widget', plural: 'Widgets', shortNames: ['w_1'], listKind: 'Widget' };
    version(crd).name = 'V1';
    assert.deepEqual(check(crd), [
      'metadata.name: Invalid value: "widgets.example": must be spec.names.plural+"."+spec.group',
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      "spec.versions[0].name: Invalid value: \"V1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.names.plural: Invalid value: \"Widgets\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      "spec.names.shortNames[0]: Invalid value: \"w_1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same',
    ]);
  });

  it('requires the names (singular and listKind are defaulted from kind)', () => {
    const crd = widgetCRD();
    crd.metadata.name = '.example.com';
    crd.spec.names = {};
    assert.deepEqual(check(crd), [
      'spec.names.plural: Required value',
      'spec.names.singular: Required value',
      'spec.names.kind: Required value',
      'spec.names.listKind: Required value',
    ]);
  });

  it('requires a schema for every version', () => {
    const crd = widgetCRD();
    delete version(crd).schema;
    assert.deepEqual(check(crd), ['spec.versions[0].schema.openAPIV3Schema: Required value']);
  });

  it('requires an approval annotation for protected groups', () => {
    const crd = widgetCRD();
    crd.spec.group = 'widgets.k8s.io';
    crd.metadata.name = 'widgets.widgets.k8s.io';
    assert.deepEqual(check(crd), [
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
  });

  it('keeps group and plural immutable on update, and scope and kind once established', () => {
    const old = widgetCRD();
    old.status = crdStatus(kube(old), '2024-01-01T00:00:00Z');
    const crd = widgetCRD();
    crd.spec.scope = 'Cluster';
    crd.spec.names.kind = 'Gadget';
    assert.deepEqual(validateCRD(kube(crd), kube(old)).map(render), [
      'spec.scope: Invalid value: "Cluster": field is immutable',
      'spec.names.kind: Invalid value: "Gadget": field is immutable',
    ]);
  });

  it('keeps previously stored versions in spec.versions', () => {
    const old = widgetCRD();
    old.status = { storedVersions: ['v1beta1', 'v1'] };
    assert.deepEqual(validateCRD(kube(widgetCRD()), kube(old)).map(render), [
      'status.storedVersions[0]: Invalid value: "v1beta1": missing from spec.versions; v1beta1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1beta1 and removes v1beta1 from status.storedVersions',
    ]);
  });
});

describe('validateCRD: printer columns and subresources', () => {
  it('checks column type, format and jsonPath (hoisted to spec.additionalPrinterColumns)', () => {
    const crd = projectCRD();
    const columns = version(crd).additionalPrinterColumns!;
    columns[0]!.type = 'text';
    columns[1]!.format = 'percent';
    columns[2]!.jsonPath = 'status.url';
    delete columns[3]!.name;
    assert.deepEqual(check(crd), [
      'spec.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[1].format: Invalid value: "percent": must be one of byte,date,date-time,double,float,int32,int64,password',
      'spec.additionalPrinterColumns[2].JSONPath: Invalid value: "status.url": must be a simple json path starting with .',
      'spec.additionalPrinterColumns[3].name: Required value',
    ]);
  });

  it('checks scale subresource paths', () => {
    const crd = widgetCRD();
    version(crd).subresources = {
      scale: { specReplicasPath: '.status.replicas', statusReplicasPath: '' },
    };
    assert.deepEqual(check(crd), [
      'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.subresources.scale.statusReplicasPath: Required value',
    ]);
  });

  it('with a status subresource, only some fields may sit at the schema root', () => {
    const crd = projectCRD();
    schemaOf(crd).nullable = true;
    assert.deepEqual(check(crd), [
      `${SCHEMA}: Invalid value: apiextensions.JSONSchemaProps{...}: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled`,
      `${SCHEMA}.nullable: Forbidden: nullable cannot be true at the root`,
    ]);
  });
});

describe('validateCRD: structural schemas', () => {
  const cases: { name: string; mutate: (spec: Node, root: Node) => void; want: string[] }[] = [
    {
      name: 'a property without a type',
      mutate: (spec) => delete prop(spec, 'size').type,
      want: [
        `${SPEC}.properties[size].type: Required value: must not be empty for specified object fields`,
      ],
    },
    {
      name: 'array without items, items without type (errors sorted by their text)',
      mutate: (spec) => {
        props(spec).tags = { type: 'array' };
        props(spec).names = { type: 'array', items: {} };
      },
      want: [
        `${SPEC}.properties[names].items.type: Required value: must not be empty for specified array items`,
        `${SPEC}.properties[tags].items: Required value: must be specified`,
      ],
    },
    {
      name: 'properties and additionalProperties together, and uniqueItems',
      mutate: (spec) => {
        spec.additionalProperties = { type: 'string' };
        props(spec).tags = { type: 'array', uniqueItems: true, items: { type: 'string' } };
      },
      want: [
        `${SPEC}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
        `${SPEC}.properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
      ],
    },
    {
      // apiextensions' validateValueValidation compiles the pattern with Go's
      // regexp (RE2): lookahead and backreferences make the CRD invalid.
      name: 'a pattern RE2 rejects (lookahead, a backreference)',
      mutate: (spec) => {
        props(spec).user = { type: 'string', pattern: '^(?!admin$)[a-z]+$' };
        props(spec).pair = { type: 'string', pattern: '^(a)\\1$' };
      },
      want: [
        `${SPEC}.properties[pair].pattern: Invalid value: "^(a)\\\\1$": must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: \`\\1\``,
        `${SPEC}.properties[user].pattern: Invalid value: "^(?!admin$)[a-z]+$": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: \`(?!\``,
      ],
    },
    {
      name: 'metadata restricted beyond name and generateName',
      mutate: (_spec, root) => {
        props(root).metadata = { type: 'object', properties: { labels: { type: 'object' } } };
      },
      want: [
        `${SCHEMA}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      ],
    },
    {
      name: 'a type that is not an OpenAPI type, and $ref',
      mutate: (spec) => {
        prop(spec, 'size').type = 'int';
        props(spec).ref = { type: 'object', $ref: '#/definitions/x' };
      },
      want: [
        `${SPEC}.properties[size].type: Unsupported value: "int": supported values: "array", "boolean", "integer", "number", "object", "string"`,
        `${SPEC}.properties[ref].$ref: Forbidden: $ref is not supported`,
      ],
    },
    {
      name: 'list-type map without keys, list-type on a non-array',
      mutate: (spec) => {
        props(spec).items = {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          items: { type: 'object' },
        };
        prop(spec, 'size')['x-kubernetes-list-type'] = 'set';
      },
      want: [
        `${SPEC}.properties[size].type: Invalid value: "integer": must be array if x-kubernetes-list-type is specified`,
        `${SPEC}.properties[items].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      ],
    },
    {
      name: 'a list-map key that is neither required nor defaulted',
      mutate: (spec) => {
        props(spec).ports = {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port'],
          items: { type: 'object', properties: { port: { type: 'integer' } } },
        };
      },
      want: [
        `${SPEC}.properties[ports].items.properties[port].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      ],
    },
    {
      name: 'an invalid default and an unpruned default',
      mutate: (spec) => {
        prop(spec, 'size').default = 'big';
        props(spec).box = {
          type: 'object',
          properties: { a: { type: 'string' } },
          default: { a: 'x', b: 1 },
        };
      },
      want: [
        `${SPEC}.properties[size].default: Invalid value: "string":  in body must be of type integer: "string"`,
        `${SPEC}.properties[box].default: Invalid value: map[string]interface {}{"a":"x", "b":1}: must not have unknown fields`,
      ],
    },
    {
      name: 'a default in top-level metadata',
      mutate: (_spec, root) => {
        props(root).metadata = { type: 'object', default: {} };
      },
      want: [
        `${SCHEMA}.properties[metadata].default: Forbidden: must not be set in top-level metadata`,
      ],
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      const crd = widgetCRD();
      const root = schemaOf(crd);
      c.mutate(root.properties!.spec!, root);
      assert.deepEqual(check(crd), c.want);
    });
  }
});

describe('validateCRD: CEL rules must compile', () => {
  const cases: { name: string; rule: Record<string, unknown>; on?: string; want: string }[] = [
    {
      name: 'an undefined field',
      rule: { rule: 'self.sizes > 1', message: 'too small' },
      want: `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.sizes > 1", Message:"too small", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'sizes'\n | self.sizes > 1\n | ....^`,
    },
    {
      name: 'a type mismatch',
      rule: { rule: "self.size == 'one'" },
      want: `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.size == 'one'", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:11: found no matching overload for '_==_' applied to '(int, string)'\n | self.size == 'one'\n | ..........^`,
    },
    {
      name: 'an unknown function',
      rule: { rule: 'frobnicate(self.size)' },
      want: `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"frobnicate(self.size)", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:11: undeclared reference to 'frobnicate' (in container '')\n | frobnicate(self.size)\n | ..........^`,
    },
    {
      name: 'a rule that is not a bool',
      rule: { rule: 'self.size + 1' },
      want: `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.size + 1", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: cel expression must evaluate to a bool`,
    },
    {
      name: 'metadata beyond name and generateName at the root',
      on: 'root',
      rule: { rule: "self.metadata.labels['a'] == 'b'" },
      want: `${SCHEMA}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.metadata.labels['a'] == 'b'", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:14: undefined field 'labels'\n | self.metadata.labels['a'] == 'b'\n | .............^`,
    },
    {
      name: 'an empty rule',
      rule: { rule: ' ' },
      want: `${SPEC}.x-kubernetes-validations[0].rule: Required value: rule is not specified`,
    },
    {
      name: 'an unknown reason',
      rule: { rule: 'self.size > 1', reason: 'FieldValueWrong' },
      want: `${SPEC}.x-kubernetes-validations[0].reason: Unsupported value: "FieldValueWrong": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
    },
    {
      name: 'a fieldPath that does not resolve',
      rule: { rule: 'self.size > 1', fieldPath: '.nope' },
      want: `${SPEC}.x-kubernetes-validations[0].fieldPath: Invalid value: ".nope": fieldPath must be a valid path: does not refer to a valid field`,
    },
    {
      name: 'a messageExpression that is not a string',
      rule: { rule: 'self.size > 1', messageExpression: 'self.size' },
      want: `${SPEC}.x-kubernetes-validations[0].messageExpression: Invalid value: apiextensions.ValidationRule{Rule:"self.size > 1", Message:"", MessageExpression:"self.size", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: messageExpression must evaluate to a string`,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      const crd = widgetCRD();
      const root = schemaOf(crd);
      const node = c.on === 'root' ? root : root.properties!.spec!;
      node['x-kubernetes-validations'] = [c.rule];
      assert.deepEqual(check(crd), [c.want]);
    });
  }

  it('reports a syntax error with the place the parser stopped', () => {
    const crd = widgetCRD();
    specOf(crd)['x-kubernetes-validations'] = [{ rule: 'self.size >' }];
    const [error, ...rest] = validateCRD(kube(crd));
    assert.equal(rest.length, 0);
    assert.equal(error!.field, `${SPEC}.x-kubernetes-validations[0].rule`);
    assert.match(
      error!.message,
      /: compilation failed: ERROR: <input>:1:\d+: Syntax error: .*\n \| self\.size >\n \| \.*\^$/,
    );
  });

  it('does not compile rules while the schema below them is broken', () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    spec['x-kubernetes-validations'] = [{ rule: 'self.nope == 1' }];
    delete prop(spec, 'size').type;
    assert.deepEqual(check(crd), [
      `${SPEC}.properties[size].type: Required value: must not be empty for specified object fields`,
    ]);
  });

  it('forbids oldSelf below a list that does not correlate items', () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    // bounded, so that the rule stays within the cost budget
    props(spec).items = {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'string',
        maxLength: 64,
        'x-kubernetes-validations': [{ rule: 'self == oldSelf' }],
      },
    };
    assert.deepEqual(check(crd), [
      `${SPEC}.properties[items].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${SPEC}.properties[items]`,
    ]);
  });

  it('compiles escaped property names, and hides unknown fields of preserved objects', () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    props(spec)['max-size'] = { type: 'integer' };
    props(spec).extra = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    spec['x-kubernetes-validations'] = [
      { rule: 'self.max__dash__size > 0' },
      { rule: "self.extra.anything == 'x'" },
    ];
    assert.deepEqual(check(crd), [
      `${SPEC}.x-kubernetes-validations[1].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.extra.anything == 'x'", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:11: undefined field 'anything'\n | self.extra.anything == 'x'\n | ..........^`,
    ]);
  });

  it("rejects a matches() regex literal RE2 refuses, as cel-go's ValidateRegexLiterals does", () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    props(spec).user = { type: 'string', maxLength: 16 };
    spec['x-kubernetes-validations'] = [
      { rule: "self.user.matches('^(?!admin)')", message: 'not admin' },
      { rule: "self.user.find('(?=x)') == ''", message: 'no x' },
    ];
    assert.deepEqual(check(crd), [
      `${SPEC}.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.user.matches('^(?!admin)')", Message:"not admin", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:19: invalid matches argument\n | self.user.matches('^(?!admin)')\n | ..................^`,
      `${SPEC}.x-kubernetes-validations[1].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.user.find('(?=x)') == ''", Message:"no x", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: program instantiation failed: error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``,
    ]);
  });

  it('rejects a function kube offers that this environment cannot evaluate, naming it', () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    props(spec).addr = { type: 'string', maxLength: 64 };
    spec['x-kubernetes-validations'] = [{ rule: 'isIP(self.addr)', message: 'an IP' }];
    const [error, ...rest] = check(crd);
    assert.equal(rest.length, 0);
    assert.match(
      error ?? '',
      /compilation failed: ERROR: <input>:1:5: undeclared reference to 'isIP' \(in container ''\): kube-apiserver 1.32 offers it, this CEL environment cannot evaluate it/,
    );
  });

  it('rejects a rule whose estimated cost exceeds the per-rule budget (StaticEstimatedCostLimit)', () => {
    // An unbounded list of unbounded strings compared pairwise: kube's
    // estimate is far beyond 10,000,000; maxItems and maxLength bring it in.
    const crd = widgetCRD();
    const spec = specOf(crd);
    props(spec).names = { type: 'array', items: { type: 'string' } };
    spec['x-kubernetes-validations'] = [
      { rule: 'self.names.all(x, self.names.exists_one(y, x == y))', message: 'unique' },
    ];
    const tail =
      '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';
    assert.deepEqual(check(crd), [
      `${SPEC}.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${tail}`,
      // the one rule alone also exceeds what the whole schema may cost
      `${SCHEMA}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${tail}`,
    ]);
    props(spec).names = { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 253 } };
    assert.deepEqual(check(crd), []);
  });

  it("multiplies a rule under a list by the list's maxItems, and bounds the whole schema (StaticEstimatedCRDCostLimit)", () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    // (3145726 + 1) × 0.1 × (120 × 0.25) + 2 = 9,437,192 per rule: each fits, eleven do not
    const rule = { rule: `self.s.matches('${'x'.repeat(120)}')`, message: 'm' };
    props(spec).s = { type: 'string' };
    spec['x-kubernetes-validations'] = Array.from({ length: 11 }, () => rule);
    assert.deepEqual(check(crd), [
      `${SCHEMA}: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.038091x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
    ]);
    // the same rule on items of a list of two: twice the cost, over the per-rule budget
    // (a factor from 1.5 on is printed with one decimal)
    props(spec).s = { type: 'string', maxLength: 100 };
    props(spec).list = {
      type: 'array',
      maxItems: 2,
      items: {
        type: 'object',
        properties: { s: { type: 'string' } },
        'x-kubernetes-validations': [rule],
      },
    };
    spec['x-kubernetes-validations'] = [];
    assert.deepEqual(check(crd), [
      `${SPEC}.properties[list].items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of 1.9x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`,
    ]);
  });

  it('accepts rules using the Kubernetes list and strings libraries', () => {
    const crd = widgetCRD();
    const spec = specOf(crd);
    props(spec).names = { type: 'array', maxItems: 16, items: { type: 'string', maxLength: 64 } };
    spec['x-kubernetes-validations'] = [
      { rule: 'self.names.isSorted()' },
      { rule: "self.names.all(n, n.lowerAscii() == n && !n.startsWith('-'))" },
      { rule: 'has(self.size) ? self.size >= 0 : true' },
      { rule: "self.names.all(n, !isURL(n) || url(n).getScheme() == 'https')" },
      { rule: 'sets.contains(self.names, self.names)' },
    ];
    assert.deepEqual(check(crd), []);
  });
});

describe('resourceTypeFromCRD', () => {
  it('registers the served storage version of the project CRD', () => {
    const type = resourceTypeFromCRD(kube(checkedIn));
    const { schema, printerColumns, ...rest } = type;
    assert.deepEqual(rest, {
      group: 'mcpruntime.org',
      version: 'v1alpha1',
      kind: 'MCPServer',
      listKind: 'MCPServerList',
      plural: 'mcpservers',
      singular: 'mcpserver',
      namespaced: true,
      shortNames: ['mcps'],
      categories: ['mcp'],
      statusSubresource: true,
      builtin: false,
    });
    assert.deepEqual(schema, checkedIn.spec.versions[0]!.schema!.openAPIV3Schema);
    assert.deepEqual(
      printerColumns?.map((c) => [c.name, c.type, c.jsonPath, c.priority]),
      [
        ['Phase', 'string', '.status.phase', 0],
        ['Ready', 'string', '.status.conditions[?(@.type=="Ready")].status', 0],
        ['URL', 'string', '.status.url', 0],
        ['Age', 'date', '.metadata.creationTimestamp', 0],
        ['Team', 'string', '.spec.teamID', 1],
        ['Gateway', 'boolean', '.status.gatewayReady', 1],
        ['Image', 'string', '.status.image', 1],
      ],
    );
  });

  it('defaults singular and listKind, and prefers the served storage version', () => {
    const crd = widgetCRD();
    crd.spec.scope = 'Cluster';
    crd.spec.versions.unshift({
      ...structuredClone(version(crd)),
      name: 'v2',
      storage: false,
    });
    const type = resourceTypeFromCRD(kube(crd));
    assert.equal(type.version, 'v1');
    assert.equal(type.singular, 'widget');
    assert.equal(type.listKind, 'WidgetList');
    assert.equal(type.namespaced, false);
    assert.equal(type.statusSubresource, false);
    assert.deepEqual(type.printerColumns, []);
  });
});

describe('crdStatus and applyCRDDefaults', () => {
  it('sets NamesAccepted and Established, acceptedNames and storedVersions', () => {
    assert.deepEqual(crdStatus(kube(checkedIn), '2024-05-01T10:00:00Z'), {
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          lastTransitionTime: '2024-05-01T10:00:00Z',
          reason: 'NoConflicts',
          message: 'no conflicts found',
        },
        {
          type: 'Established',
          status: 'True',
          lastTransitionTime: '2024-05-01T10:00:00Z',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      acceptedNames: {
        plural: 'mcpservers',
        singular: 'mcpserver',
        shortNames: ['mcps'],
        kind: 'MCPServer',
        listKind: 'MCPServerList',
        categories: ['mcp'],
      },
      storedVersions: ['v1alpha1'],
    });
  });

  it('keeps transition times and stored versions across updates', () => {
    const old = widgetCRD();
    old.status = {
      ...crdStatus(kube(old), '2024-01-01T00:00:00Z'),
      storedVersions: ['v1beta1', 'v1'],
    };
    const status = crdStatus(kube(widgetCRD()), '2024-06-01T00:00:00Z', kube(old));
    assert.deepEqual(
      (status.conditions as { lastTransitionTime: string }[]).map((c) => c.lastTransitionTime),
      ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    );
    assert.deepEqual(status.storedVersions, ['v1beta1', 'v1']);
  });

  it('is stable when recomputed for a stored CRD', () => {
    const stored = widgetCRD();
    stored.status = crdStatus(kube(stored), '2024-01-01T00:00:00Z');
    assert.deepEqual(crdStatus(kube(stored), '2024-09-09T00:00:00Z'), stored.status);
  });

  it('applies the v1 defaults kube applies on decode', () => {
    const crd = applyCRDDefaults(kube(widgetCRD()));
    assert.deepEqual((crd.spec as CRD['spec']).names, {
      kind: 'Widget',
      plural: 'widgets',
      singular: 'widget',
      listKind: 'WidgetList',
    });
    assert.deepEqual((crd.spec as Record<string, unknown>).conversion, { strategy: 'None' });
  });
});
