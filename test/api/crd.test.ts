import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseCel } from '@bufbuild/cel';
import { parse } from 'yaml';
import {
  mcpServerCRD,
  mcpServerCRDYaml,
  mcpServerOpenAPISchema,
} from '../../src/api/v1alpha1/crd.ts';
import { RULES } from '../../src/api/v1alpha1/rules.ts';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';
import { structuralSchemaProblems, undescribedFields } from '../../src/kube/structural-lint.ts';

const COST_HINT =
  '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';

const checkedIn = new URL('../../config/crd/mcpruntime.org_mcpservers.yaml', import.meta.url);

function allRules(schema: StructuralSchema): { rule: string; message?: string }[] {
  return [
    ...(schema['x-kubernetes-validations'] ?? []),
    ...Object.values(schema.properties ?? {}).flatMap(allRules),
    ...(schema.items ? allRules(schema.items) : []),
    ...(typeof schema.additionalProperties === 'object'
      ? allRules(schema.additionalProperties)
      : []),
  ];
}

/** Every function a CEL expression calls (operators are named like _==_). */
function calledFunctions(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => calledFunctions(n, found));
  else if (node && typeof node === 'object') {
    const o = node as { case?: string; value?: { function?: string } };
    if (o.case === 'callExpr' && o.value?.function) found.add(o.value.function);
    Object.values(node).forEach((v) => calledFunctions(v, found));
  }
  return found;
}

// What the CEL environment of kube-apiserver 1.26 offers, and the operators.
const KUBE_126_FUNCTIONS = new Set([
  'matches',
  'endsWith',
  'startsWith',
  'contains',
  'size',
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
  'has',
]);

describe('the MCPServer CRD', () => {
  it('is checked in exactly as generated (regenerate with: npm run generate)', () => {
    assert.equal(readFileSync(checkedIn, 'utf8'), mcpServerCRDYaml());
  });

  it('is a structural schema with every list, map and string a rule walks bounded', () => {
    assert.deepEqual(structuralSchemaProblems(mcpServerOpenAPISchema()), []);
  });

  it('flags what a real API server rejects', () => {
    const bad = {
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { name: { type: 'string' } } },
        spec: {
          type: 'object',
          'x-kubernetes-validations': [{ rule: 'self.a.size() > 0', message: 'm' }],
          properties: {
            a: { type: 'array', items: { type: 'string' } },
            b: { const: 'x' } as unknown as StructuralSchema,
            c: { type: 'object', additionalProperties: false },
            // RE2, as Go's regexp: no lookahead
            d: { type: 'string', maxLength: 10, pattern: '^(?!admin)' },
            e: {
              type: 'string',
              maxLength: 10,
              'x-kubernetes-validations': [{ rule: "self.matches('^(?!admin)')", message: 'm' }],
            },
            // over kube's CEL cost budget: pairwise over an unbounded list of unbounded strings
            f: {
              type: 'array',
              items: { type: 'string' },
              'x-kubernetes-validations': [
                { rule: 'self.all(x, self.exists_one(y, x == y))', message: 'unique' },
              ],
            },
          },
        },
      },
    } as StructuralSchema;
    assert.deepEqual(structuralSchemaProblems(bad), [
      'openAPIV3Schema.properties.metadata: may only be {type: object}',
      'openAPIV3Schema.properties.spec.properties.a: a list under a CEL rule needs maxItems',
      'openAPIV3Schema.properties.spec.properties.a.items: a string under a CEL rule needs maxLength',
      'openAPIV3Schema.properties.spec.properties.b: const is not allowed in a structural schema',
      'openAPIV3Schema.properties.spec.properties.b: type must be one of object, array, string, integer, number, boolean',
      'openAPIV3Schema.properties.spec.properties.c: additionalProperties must be a schema, not a boolean',
      // kube-apiserver's words for both (apiextensions validation, cel-go's ValidateRegexLiterals)
      "openAPIV3Schema.properties.spec.properties.d.pattern: must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?!`",
      "openAPIV3Schema.properties.spec.properties.e.x-kubernetes-validations[0].rule: compilation failed: ERROR: <input>:1:14: invalid matches argument\n | self.matches('^(?!admin)')\n | .............^",
      'openAPIV3Schema.properties.spec.properties.f: a list under a CEL rule needs maxItems',
      // and kube's cost budget, for the rule and for the whole schema (apiextensions' getCostErrorMessage)
      `openAPIV3Schema.properties.spec.properties.f.x-kubernetes-validations[0].rule: estimated rule cost exceeds budget by factor of more than 100x ${COST_HINT}`,
      'openAPIV3Schema.properties.spec.properties.f.items: a string under a CEL rule needs maxLength',
      `openAPIV3Schema: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${COST_HINT}`,
    ]);
  });

  it('describes every field, for kubectl explain', () => {
    assert.deepEqual(undescribedFields(mcpServerOpenAPISchema()), []);
  });

  it('has the names, scope, status subresource and printer columns of the API', () => {
    const crd = mcpServerCRD();
    assert.equal(crd.metadata.name, 'mcpservers.mcpruntime.org');
    assert.deepEqual(crd.spec.names, {
      kind: 'MCPServer',
      listKind: 'MCPServerList',
      plural: 'mcpservers',
      singular: 'mcpserver',
      shortNames: ['mcps'],
      categories: ['mcp'],
    });
    assert.equal(crd.spec.scope, 'Namespaced');
    const [version] = crd.spec.versions;
    assert.ok(version?.served && version.storage);
    assert.equal(version.name, 'v1alpha1');
    assert.deepEqual(version.subresources, { status: {} });
    assert.deepEqual(
      version.additionalPrinterColumns.map((c) => [c.name, c.jsonPath, c.priority ?? 0]),
      [
        ['Phase', '.status.phase', 0],
        ['Ready', '.status.conditions[?(@.type=="Ready")].status', 0],
        ['URL', '.status.url', 0],
        ['Age', '.metadata.creationTimestamp', 0],
        ['Team', '.spec.teamID', 1],
        ['Gateway', '.status.gatewayReady', 1],
        ['Image', '.status.image', 1],
      ],
    );
  });

  it('declares the static defaults in the schema, and no derived ones', () => {
    const spec = mcpServerOpenAPISchema().properties!.spec!.properties!;
    assert.equal(spec.replicas!.default, 1);
    assert.equal(spec.port!.default, 8088);
    assert.equal(spec.servicePort!.default, 80);
    assert.equal(spec.ingressClass!.default, 'traefik');
    for (const derived of [
      'imageTag',
      'ingressPath',
      'ingressHost',
      'publicPathPrefix',
      'resources',
      'gateway',
    ]) {
      assert.equal(spec[derived]!.default, undefined, derived);
    }
  });

  it('leaves out fields this operator does not implement', () => {
    const spec = mcpServerOpenAPISchema().properties!.spec!.properties!;
    for (const field of ['auth', 'policy', 'session', 'analytics', 'rollout', 'tasks']) {
      assert.equal(spec[field], undefined, field);
    }
  });

  it('has CEL rules that parse and use only functions kube-apiserver 1.26 offers', () => {
    const rules = allRules(mcpServerOpenAPISchema());
    assert.ok(rules.length >= 20);
    for (const { rule, message } of rules) {
      assert.ok(message, `rule ${rule} has a message`);
      const functions = [...calledFunctions(parseCel(rule))].filter((f) => !/^[_@!]/.test(f));
      for (const f of functions) assert.ok(KUBE_126_FUNCTIONS.has(f), `${rule} calls ${f}`);
    }
  });

  it('drops only the snippet ban when snippet annotations are allowed', () => {
    const banned = allRules(mcpServerOpenAPISchema()).map((r) => r.rule);
    const allowed = allRules(mcpServerOpenAPISchema({ allowSnippetAnnotations: true })).map(
      (r) => r.rule,
    );
    const index = banned.indexOf(RULES.snippetAnnotations.rule);
    assert.ok(index >= 0);
    assert.deepEqual(banned.toSpliced(index, 1), allowed);
  });

  it('parses back to the same object', () => {
    assert.deepEqual(parse(readFileSync(checkedIn, 'utf8')), mcpServerCRD());
  });
});
