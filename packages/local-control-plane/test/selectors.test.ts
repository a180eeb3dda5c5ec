import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/errors.ts';
import { parseFieldSelector, parseLabelSelector, selectableFieldsFor } from '../src/selectors.ts';
import type { KubeObject, ResourceType } from '../src/types.ts';

/** Asserts a 400 BadRequest with exactly kube's message. */
function assertBadRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    assert.equal(e.message, message);
    return true;
  });
}

const QUALIFIED =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const OPERATORS = 'in, notin, =, ==, !=, gt, lt';

describe('label selectors', () => {
  // [selector, labels, expected]
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', undefined, true],
    ['', { a: 'b' }, true],
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a=b', undefined, false],
    ['a==b', { a: 'b' }, true],
    ['a==b', { a: 'bb' }, false],
    ['a!=b', { a: 'b' }, false],
    ['a!=b', { a: 'c' }, true],
    ['a!=b', {}, true],
    ['a in (b,c)', { a: 'c' }, true],
    ['a in (b,c)', { a: 'd' }, false],
    ['a in (b,c)', {}, false],
    ['a notin (b,c)', { a: 'b' }, false],
    ['a notin (b,c)', { a: 'd' }, true],
    ['a notin (b,c)', {}, true],
    ['a', { a: '' }, true],
    ['a', { b: 'a' }, false],
    ['!a', { b: 'x' }, true],
    ['!a', { a: 'x' }, false],
    ['a=', { a: '' }, true],
    ['a=', { a: 'x' }, false],
    ['a in ()', { a: '' }, true],
    ['a in (,b)', { a: '' }, true],
    ['a in (b,)', { a: '' }, true],
    ['a in (b,)', { a: 'b' }, true],
    ['x in (in,notin)', { x: 'notin' }, true],
    ['in=notin', { in: 'notin' }, true],
    ['a>5', { a: '6' }, true],
    ['a>5', { a: '5' }, false],
    ['a>5', { a: 'six' }, false],
    ['a>5', {}, false],
    ['a<5', { a: '-2' }, true],
    ['a=b,c', { a: 'b', c: '' }, true],
    ['a=b,c', { a: 'b' }, false],
    ['a=b,!c,d notin (x)', { a: 'b', d: 'y' }, true],
    ['a=b,!c,d notin (x)', { a: 'b', c: 'y' }, false],
    ['  a  =  b  ,  c  in  (  d  ,  e  )  ', { a: 'b', c: 'e' }, true],
    ['\ta\t!=\tb\n', { a: 'c' }, true],
    ['app.kubernetes.io/name=mcp-operator', { 'app.kubernetes.io/name': 'mcp-operator' }, true],
    ['app.kubernetes.io/name in (x, mcp-operator)', { 'app.kubernetes.io/name': 'y' }, false],
  ];
  for (const [selector, labels, expected] of cases) {
    it(`${JSON.stringify(selector)} on ${JSON.stringify(labels)} → ${expected}`, () => {
      assert.equal(parseLabelSelector(selector)(labels), expected);
    });
  }

  // [selector, kube-apiserver's message]
  const bad: [string, string][] = [
    ['a b', `unable to parse requirement: found 'b', expected: ${OPERATORS}`],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b,,c', "found ',', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['a===b', "unable to parse requirement: found '=', expected: identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": name part ${QUALIFIED}`],
    [
      'app:web',
      `unable to parse requirement: <nil>: Invalid value: "app:web": name part ${QUALIFIED}`,
    ],
    [
      'Bad_Prefix/name=x',
      `unable to parse requirement: <nil>: Invalid value: "Bad_Prefix/name": prefix part ${SUBDOMAIN}`,
    ],
    [
      'a/b/c=x',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      '/a=x',
      'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty',
    ],
    [
      `${'k'.repeat(64)}=x`,
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    ],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${LABEL_VALUE}`],
    [
      'a in (ok,-b)',
      `unable to parse requirement: values[0][a]: Invalid value: "-b": ${LABEL_VALUE}`,
    ],
    [
      `a=${'v'.repeat(64)}`,
      `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      'a>x',
      `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    [
      'a>-x',
      `unable to parse requirement: [values[0]: Invalid value: "-x": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "-x": ${LABEL_VALUE}]`,
    ],
  ];
  for (const [selector, message] of bad) {
    it(`rejects ${JSON.stringify(selector)}`, () => {
      assertBadRequest(() => parseLabelSelector(selector), message);
    });
  }
});

function obj(name: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...extra,
  };
}

describe('field selectors', () => {
  const cases: [string, KubeObject, boolean][] = [
    ['', obj('a'), true],
    ['metadata.name=a', obj('a'), true],
    ['metadata.name=a', obj('b'), false],
    ['metadata.name==a', obj('a'), true],
    ['metadata.name!=a', obj('a'), false],
    ['metadata.name!=a', obj('b'), true],
    ['metadata.namespace=ns', obj('a', 'ns'), true],
    ['metadata.namespace=ns', obj('a', 'other'), false],
    ['metadata.namespace=', obj('a'), true],
    ['metadata.namespace!=', obj('a', 'ns'), true],
    ['metadata.name=a,metadata.namespace=ns', obj('a', 'ns'), true],
    ['metadata.name=a,metadata.namespace=ns', obj('a', 'x'), false],
    ['metadata.name=a,', obj('a'), true],
    ['metadata.name=a\\,b', obj('a,b'), true],
    ['metadata.name=a\\=b', obj('a=b'), true],
    ['metadata.name=a\\\\b', obj('a\\b'), true],
    ['metadata.name=a b', obj('a b'), true],
  ];
  for (const [selector, o, expected] of cases) {
    it(`${JSON.stringify(selector)} on ${o.metadata.namespace ?? ''}/${o.metadata.name} → ${expected}`, () => {
      assert.equal(parseFieldSelector(selector)(o), expected);
    });
  }

  const kind = (
    group: string,
    k: string,
    extra: Partial<Pick<ResourceType, 'builtin' | 'namespaced'>> = {},
  ) => ({ group, kind: k, builtin: true, namespaced: true, ...extra });

  it('evaluates a kind\'s own fields, a missing one reading as ""', () => {
    const pods = selectableFieldsFor(kind('', 'Pod'));
    const running = parseFieldSelector('status.phase=Running', pods);
    assert.equal(running(obj('a', 'ns', { status: { phase: 'Running' } })), true);
    assert.equal(running(obj('a', 'ns', { status: { phase: 'Pending' } })), false);
    assert.equal(running(obj('a', 'ns')), false);
    const unset = parseFieldSelector('status.phase=', pods);
    assert.equal(unset(obj('a', 'ns')), true);
  });

  // Kinds without a conversion function of their own get runtime.DefaultMetaV1FieldSelectorConversion.
  const bad: [string, string][] = [
    [
      'spec.foo=bar',
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    [
      'metadata.name=a,spec.foo=bar',
      '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    [
      ' metadata.name=a',
      '" metadata.name" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a,b', "invalid selector: 'metadata.name=a,b'; can't understand 'b'"],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [selector, message] of bad) {
    it(`rejects ${JSON.stringify(selector)}`, () => {
      assertBadRequest(() => parseFieldSelector(selector), message);
    });
  }

  // pkg/apis/core/v1/conversion.go: Pod, Event, Namespace, Secret and Service register
  // their own labels and refuse the rest as "field label not supported".
  it("knows the fields of each built-in kind, with kube-apiserver's refusals", () => {
    const secrets = selectableFieldsFor(kind('', 'Secret'));
    const tls = parseFieldSelector('type=kubernetes.io/tls', secrets);
    assert.equal(tls(obj('a', 'ns', { type: 'kubernetes.io/tls' })), true);
    assert.equal(tls(obj('a', 'ns', { type: 'Opaque' })), false);
    assertBadRequest(
      () => parseFieldSelector('spec.foo=bar', secrets),
      'field label not supported: spec.foo',
    );
    const namespaces = selectableFieldsFor(kind('', 'Namespace', { namespaced: false }));
    parseFieldSelector('status.phase=Active,metadata.name=x', namespaces);
    // The Namespace conversion function lists only status.phase and metadata.name.
    assertBadRequest(
      () => parseFieldSelector('metadata.namespace=x', namespaces),
      'field label not supported: metadata.namespace',
    );
    const services = selectableFieldsFor(kind('', 'Service'));
    const clusterIP = parseFieldSelector('spec.type=ClusterIP', services);
    assert.equal(clusterIP(obj('a', 'ns', { spec: { type: 'ClusterIP' } })), true);
    assertBadRequest(
      () => parseFieldSelector('type=Opaque', selectableFieldsFor(kind('apps', 'Deployment'))),
      '"type" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  });

  it("reads Pod fields as the registry's ToSelectableFields does", () => {
    const pods = selectableFieldsFor(kind('', 'Pod'));
    const pod = obj('p', 'ns', {
      spec: { nodeName: 'node-1' },
      status: { podIPs: [{ ip: '10.0.0.7' }, { ip: 'fd00::7' }] },
    });
    // spec.host is old v1 clients' spelling of spec.nodeName.
    assert.equal(parseFieldSelector('spec.host=node-1', pods)(pod), true);
    assert.equal(parseFieldSelector('spec.hostNetwork=false', pods)(pod), true);
    assert.equal(parseFieldSelector('status.podIP=10.0.0.7', pods)(pod), true);
    // Accepted by the conversion function, but not a selectable field: reads as "".
    assert.equal(parseFieldSelector('status.podIPs=', pods)(pod), true);
  });

  it('maps events.k8s.io labels onto the stored core Event, source falling back to reportingComponent', () => {
    const stored = obj('e', 'ns', {
      kind: 'Event',
      involvedObject: { kind: 'Pod', name: 'web' },
      reportingComponent: 'mcp-operator',
      reason: 'Started',
    });
    const v1 = selectableFieldsFor(kind('events.k8s.io', 'Event'));
    assert.equal(parseFieldSelector('regarding.name=web,regarding.kind=Pod', v1)(stored), true);
    assert.equal(parseFieldSelector('reportingController=mcp-operator', v1)(stored), true);
    assert.equal(parseFieldSelector('source=mcp-operator', v1)(stored), true);
    assertBadRequest(
      () => parseFieldSelector('involvedObject.name=web', v1),
      'field label not supported: involvedObject.name',
    );
    const core = selectableFieldsFor(kind('', 'Event'));
    assert.equal(parseFieldSelector('involvedObject.name=web', core)(stored), true);
    assertBadRequest(
      () => parseFieldSelector('regarding.name=web', core),
      'field label not supported: regarding.name',
    );
  });

  // apiextensions' crConverter: metadata.name, metadata.namespace when namespaced, selectableFields.
  it("selects custom resources by name, namespace and the CRD's selectableFields", () => {
    const namespaced = selectableFieldsFor(
      { group: 'example.com', kind: 'Widget', builtin: false, namespaced: true },
      ['.spec.color', '.spec.size'],
    );
    const widget = obj('w', 'ns', { spec: { color: 'red', size: 3 } });
    assert.equal(parseFieldSelector('spec.color=red,spec.size=3', namespaced)(widget), true);
    assertBadRequest(
      () => parseFieldSelector('spec.shape=round', namespaced),
      'field label not supported: spec.shape',
    );
    const clusterScoped = selectableFieldsFor({
      group: 'example.com',
      kind: 'Gadget',
      builtin: false,
      namespaced: false,
    });
    assertBadRequest(
      () => parseFieldSelector('metadata.namespace=x', clusterScoped),
      'field label not supported: metadata.namespace',
    );
  });
});
