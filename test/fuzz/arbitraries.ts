// fast-check arbitraries for MCPServers, derived from the CRD's own schema
// (mcpServerOpenAPISchema): every field the schema has is generated, so a
// field added to src/api/v1alpha1/schema.ts is fuzzed without touching this
// file. A few fields get hand-made "good" values (images, hosts, paths,
// quantities, URLs) so that a useful share of the specs is valid; every other
// field gets values derived from its type and bounds. "Wild" values mix those
// with edge cases: the bounds and one past them, empty, unicode, huge strings,
// numbers out of range, wrong types, unknown fields and missing required ones.
import fc from 'fast-check';
import { mcpServerOpenAPISchema } from '../../src/api/v1alpha1/crd.ts';
import { API_VERSION, KIND } from '../../src/api/v1alpha1/defaults.ts';
import { mapValueSchema } from '@mcp-operator/kube-core/structural';
import type { StructuralSchema } from '@mcp-operator/kube-core/structural';

export const SCHEMA: StructuralSchema = mcpServerOpenAPISchema();
export const SPEC_SCHEMA: StructuralSchema = SCHEMA.properties!.spec!;

/** One node of the spec's schema: its path (`*` a list item, `{}` a map value) and schema. */
export interface Field {
  path: readonly string[];
  key: string;
  schema: StructuralSchema;
}

function fieldsOf(schema: StructuralSchema, path: string[]): Field[] {
  const out: Field[] = [{ path, key: path.join('.'), schema }];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    out.push(...fieldsOf(child, [...path, name]));
  }
  if (schema.items) out.push(...fieldsOf(schema.items, [...path, '*']));
  const values = mapValueSchema(schema);
  if (values) out.push(...fieldsOf(values, [...path, '{}']));
  return out;
}

/** Every node of the spec's schema, spec itself first. */
export const FIELDS: readonly Field[] = fieldsOf(SPEC_SCHEMA, ['spec']);

/** A string of 64 KiB (the spec fuzz); the API suite writes a 1 MiB one. */
export const HUGE = 'x'.repeat(64 * 1024);

/** Keys no schema has; some look like fields, some are JavaScript's own. */
export const UNKNOWN_KEYS = [
  'replcas',
  'x',
  'Image',
  'auth',
  'ünknown',
  'constructor',
  'toString',
  '__proto__',
];

/** An object with the entries given, made like JSON.parse makes it (so `__proto__` is a plain key). */
export function plainObject(
  entries: Iterable<readonly [string, unknown]>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

// ---- good values --------------------------------------------------------------

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const dnsName = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
const port = fc.oneof(
  fc.constantFrom(8088, 8080, 3000, 80, 443, 9090),
  fc.integer({ min: 1, max: 65535 }),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/);
const repoSegment = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8})?$/);
const registry = fc.oneof(
  dnsName.map((d) => `${d}.io`),
  fc.tuple(dnsName, fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
  fc.constant('localhost:5000'),
);
const image = fc
  .tuple(
    fc.option(registry, { nil: undefined }),
    fc.array(repoSegment, { minLength: 1, maxLength: 2 }),
    fc.oneof(
      fc.constant(''),
      tag.map((t) => `:${t}`),
      fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `@sha256:${h}`),
    ),
  )
  .map(([r, repo, suffix]) => [...(r ? [r] : []), ...repo].join('/') + suffix);
const pathSegment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/);
const urlPath = fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);
const cpu = fc.oneof(
  fc.constantFrom('50m', '100m', '250m', '500m', '1', '2', '0.5', '0', '+1', '.5', '1e3m'),
  fc.integer({ min: 0, max: 4000 }).map((n) => `${n}m`),
);
const memory = fc.oneof(
  fc.constantFrom('64Mi', '128Mi', '256Mi', '1Gi', '512M', '1e9', '100Ki', '0'),
  fc.integer({ min: 1, max: 1024 }).map((n) => `${n}Mi`),
);
const qualifiedKey = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,12}[A-Za-z0-9])?$/),
  fc
    .tuple(dnsName, fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,12}[A-Za-z0-9])?$/))
    .map(([p, n]) => `${p}/${n}`),
  fc.constantFrom(
    'traefik.ingress.kubernetes.io/router.tls',
    'traefik.ingress.kubernetes.io/router.entrypoints',
    'nginx.ingress.kubernetes.io/proxy-body-size',
  ),
);
const envName = fc.oneof(
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/),
  fc.constantFrom('MCP_PATH', 'a.b-c', '_'),
);

/** Hand-made good values for fields whose rules random text would rarely pass. */
const GOOD: Record<string, fc.Arbitrary<unknown>> = {
  'spec.image': image,
  'spec.gateway.image': image,
  'spec.imageTag': fc.oneof(tag, fc.constant('')),
  'spec.registryOverride': fc.oneof(
    registry,
    fc.tuple(registry, repoSegment).map(([r, p]) => `${r}/${p}`),
  ),
  'spec.replicas': fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(2147483647)),
  'spec.port': port,
  'spec.servicePort': port,
  'spec.gateway.port': port,
  'spec.ingressHost': fc.oneof(
    dnsName,
    dnsName.map((d) => `*.${d}`),
  ),
  'spec.ingressClass': fc.oneof(fc.constantFrom('traefik', 'nginx', 'istio'), dnsName),
  'spec.ingressPath': urlPath,
  'spec.publicPathPrefix': fc.oneof(
    fc.constant(''),
    urlPath,
    urlPath.map((p) => p.slice(1)),
    urlPath.map((p) => `${p}/`),
  ),
  'spec.gateway.stripPrefix': fc.oneof(fc.constant(''), urlPath),
  'spec.gateway.upstreamURL': fc.oneof(
    fc.constant(''),
    fc
      .tuple(fc.constantFrom('http', 'https'), dnsName, fc.option(port), fc.option(urlPath))
      .map(([s, h, p, path]) => `${s}://${h}${p === null ? '' : `:${p}`}${path ?? ''}`),
  ),
  'spec.ingressAnnotations': fc
    .array(fc.tuple(qualifiedKey, fc.string({ maxLength: 20 })), { maxLength: 3 })
    .map((e) => plainObject(e)),
  'spec.ingressAnnotations.{}': fc.string({ maxLength: 20 }),
  'spec.imagePullSecrets.*': fc.oneof(dnsName, fc.constantFrom('', ' ')),
  'spec.envVars.*.name': envName,
  'spec.secretEnvVars.*.name': envName,
  'spec.secretEnvVars.*.secretKeyRef.name': dnsName,
  'spec.secretEnvVars.*.secretKeyRef.key': fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/),
  'spec.teamID': fc.stringMatching(/^[a-z0-9-]{1,20}$/),
};
for (const where of ['spec.resources', 'spec.gateway.resources']) {
  for (const kind of ['requests', 'limits']) {
    GOOD[`${where}.${kind}.cpu`] = cpu;
    GOOD[`${where}.${kind}.memory`] = memory;
  }
}

/** A unicode string: letters of several scripts, emoji, combining marks. */
const unicode = fc.string({ unit: 'grapheme', maxLength: 30 });

/** Options of the good-value generator. */
interface GoodOptions {
  /** Every optional field present and every list non-empty, so a mutation finds its target. */
  full?: boolean;
}

const goodCache = new Map<string, fc.Arbitrary<unknown>>();

/** A value the field's schema (and, for the hand-made ones, its rules) accepts. */
export function good(field: Field, options: GoodOptions = {}): fc.Arbitrary<unknown> {
  const cacheKey = `${field.key}|${options.full ? 'full' : ''}`;
  let arb = goodCache.get(cacheKey);
  if (!arb) {
    arb = makeGood(field, options);
    goodCache.set(cacheKey, arb);
  }
  return arb;
}

function child(field: Field, name: string): Field {
  const schema =
    name === '*'
      ? field.schema.items!
      : name === '{}'
        ? mapValueSchema(field.schema)!
        : field.schema.properties![name]!;
  const path = [...field.path, name];
  return { path, key: path.join('.'), schema };
}

function makeGood(field: Field, options: GoodOptions): fc.Arbitrary<unknown> {
  const hand = GOOD[field.key];
  if (hand) return hand;
  const s = field.schema;
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.integer({ min: s.minimum ?? -1000, max: Math.min(s.maximum ?? 100_000, 100_000) });
    case 'string':
      // Free text (descriptions, values) may be any unicode; names are plain.
      return (s.maxLength ?? 0) > 253 || /value$|description$/.test(field.key)
        ? unicode
        : fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    case 'array': {
      const item = child(field, '*');
      const min = options.full ? 1 : 0;
      // Items with a name have unique names (the lists' rules say so).
      if (item.schema.properties?.name) {
        return fc.uniqueArray(good(item, options) as fc.Arbitrary<{ name: string }>, {
          minLength: min,
          maxLength: 3,
          selector: (x) => x.name,
        });
      }
      return fc.array(good(item, options), { minLength: min, maxLength: 3 });
    }
    case 'object': {
      const values = mapValueSchema(s);
      if (values) {
        return fc
          .array(fc.tuple(qualifiedKey, good(child(field, '{}'), options)), {
            minLength: options.full ? 1 : 0,
            maxLength: 3,
          })
          .map((e) => plainObject(e));
      }
      const names = Object.keys(s.properties ?? {});
      const model = Object.fromEntries(names.map((n) => [n, good(child(field, n), options)]));
      return fc.record(model, {
        requiredKeys: options.full ? names : (s.required ?? []),
        noNullPrototype: true,
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

// ---- wild values --------------------------------------------------------------

/** Values of the wrong JSON type for any field (JSON and YAML can carry each of them). */
const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  'str',
  '80',
  [],
  ['x'],
  {},
  { a: 1 },
];

const EDGE_STRINGS = [
  '',
  ' ',
  '  padded  ',
  '\t',
  'a b',
  'UPPER',
  'Ünïcödé',
  '🦄',
  'ω.example.com',
  '\u00a0x',
  'x\u200b',
  '\u202eevil',
  'nul\u0000byte',
  'a\nb',
  '-a',
  'a-',
  '.',
  '..',
  '/',
  '//',
  '/./',
  'a/../b',
  '%2F',
  '*',
  '*.example.com',
  '10.0.0.1',
  '::1',
  '-1',
  '+1',
  '-0',
  '1e999999999999',
  '1e99999999',
  '9103',
  'http://',
  'https://x',
  'x://y',
  '$host',
  '{{ .x }}',
  "'",
  '"',
  '\\',
  'MCP_PATH',
  'nginx.ingress.kubernetes.io/server-snippet',
];

function edgeStrings(s: StructuralSchema): fc.Arbitrary<unknown> {
  const max = s.maxLength ?? 253;
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    {
      weight: 4,
      arbitrary: fc.constantFrom('a'.repeat(max), 'a'.repeat(max + 1), 'é'.repeat(max)),
    },
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 4, arbitrary: unicode },
    { weight: 1, arbitrary: fc.constant(HUGE) },
  );
}

function edgeNumbers(s: StructuralSchema): fc.Arbitrary<unknown> {
  const min = s.minimum ?? -(2 ** 31);
  const max = s.maximum ?? 2 ** 31 - 1;
  return fc.oneof(
    fc.constantFrom(
      min - 1,
      max + 1,
      min,
      max,
      0,
      -1,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53,
      2 ** 53 + 2,
      1.5,
      -0,
      1e308,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      8088,
      8091,
      9103,
      80,
      65535,
      65536,
    ),
    fc.double(),
  );
}

/** Keys a map should not take (or only just takes). */
const EDGE_KEYS = [
  '',
  ' ',
  'has space',
  'a/b/c',
  '/x',
  'x/',
  'UPPER.example.com/x',
  'ä',
  'k'.repeat(63),
  'k'.repeat(64),
  `${'p'.repeat(253)}/x`,
  `${'p'.repeat(254)}/x`,
  'k'.repeat(318),
  '0',
  '__proto__',
  'constructor',
  'nginx.ingress.kubernetes.io/configuration-snippet',
  'x-snippets',
];

const wildCache = new Map<string, fc.Arbitrary<unknown>>();

/** A value of the field: good, an edge case of its type, or of the wrong type. */
export function wild(field: Field): fc.Arbitrary<unknown> {
  let arb = wildCache.get(field.key);
  if (!arb) {
    arb = fc.oneof(
      { weight: 3, arbitrary: good(field) },
      { weight: 3, arbitrary: edge(field) },
      { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES) },
    );
    wildCache.set(field.key, arb);
  }
  return arb;
}

/** Edge cases of the field's own type. */
function edge(field: Field): fc.Arbitrary<unknown> {
  const s = field.schema;
  if (s.enum) return fc.oneof(fc.constantFrom('', 'LOW', 'other', 'ünï'), edgeStrings(s));
  switch (s.type) {
    case 'boolean':
      return fc.constantFrom('true', 'false', 0, 1, 'yes');
    case 'integer':
    case 'number':
      return edgeNumbers(s);
    case 'string':
      return edgeStrings(s);
    case 'array': {
      const item = child(field, '*');
      const max = s.maxItems ?? 128;
      return fc.oneof(
        { weight: 8, arbitrary: fc.array(wild(item), { minLength: 1, maxLength: 4 }) },
        // Duplicates, and one item past the bound.
        { weight: 4, arbitrary: good(item).map((x) => [x, x]) },
        {
          weight: 1,
          arbitrary: good(item).map((x) => Array.from({ length: max + 1 }, (_, i) => rename(x, i))),
        },
        {
          weight: 1,
          arbitrary: fc.array(wild(item), { minLength: max + 1, maxLength: max + 1 }),
        },
      );
    }
    case 'object': {
      const values = mapValueSchema(s);
      if (values) {
        const valueField = child(field, '{}');
        const max = s.maxProperties ?? 64;
        return fc.oneof(
          fc
            .array(fc.tuple(fc.constantFrom(...EDGE_KEYS), wild(valueField)), {
              minLength: 1,
              maxLength: 3,
            })
            .map((e) => plainObject(e)),
          fc
            .array(fc.tuple(qualifiedKey, wild(valueField)), { minLength: 1, maxLength: 3 })
            .map((e) => plainObject(e)),
          fc.constant(
            plainObject(Array.from({ length: max + 1 }, (_, i) => [`k${i}`, 'v'] as const)),
          ),
          // As full as the schema lets it be: every entry, long valid keys, the longest values.
          fc.constant(
            plainObject(
              Array.from(
                { length: max },
                (_, i) =>
                  [
                    `${'p'.repeat(200)}.example.com/${'n'.repeat(55)}${i}`,
                    'é'.repeat(valueField.schema.maxLength ?? 253),
                  ] as const,
              ),
            ),
          ),
        );
      }
      const names = Object.keys(s.properties ?? {});
      const wildRecord = fc.record(
        Object.fromEntries(names.map((n) => [n, wild(child(field, n))])),
        { requiredKeys: [], noNullPrototype: true },
      );
      return fc.oneof(
        wildRecord,
        // An unknown field beside good ones.
        fc
          .tuple(good(field), fc.constantFrom(...UNKNOWN_KEYS), fc.jsonValue({ maxDepth: 1 }))
          .map(([o, k, v]) => plainObject([...Object.entries(o as object), [k, v]])),
        // A required field left out.
        ...(s.required?.length
          ? [
              fc
                .tuple(good(field, { full: true }), fc.constantFrom(...s.required))
                .map(([o, k]) =>
                  plainObject(Object.entries(o as object).filter(([key]) => key !== k)),
                ),
            ]
          : []),
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A copy of a list item with a name made unique by its index. */
function rename(item: unknown, i: number): unknown {
  if (item && typeof item === 'object' && 'name' in item) {
    return { ...(item as object), name: `${String(item.name)}-${i}` };
  }
  return item;
}

// ---- whole objects ------------------------------------------------------------

const DELETE = Symbol('delete');

/** Sets (or with DELETE removes) the value at a field path: list item 0, a map's first key. */
function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const last = i === path.length - 1;
    let key: string | number = path[i]!;
    if (key === '*') {
      if (!Array.isArray(node)) return;
      key = 0;
    } else if (key === '{}') {
      if (!node || typeof node !== 'object') return;
      key = Object.keys(node)[0] ?? 'k';
    }
    if (!node || typeof node !== 'object') return;
    const container = node as Record<string | number, unknown>;
    if (last) {
      if (value === DELETE) {
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete container[key];
      } else {
        Object.defineProperty(container, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return;
    }
    node = container[key];
  }
}

const specField = FIELDS[0]!;
const mutableFields = FIELDS.slice(1);

/** One change to one field: a wild value, or the field removed. */
const mutation = fc
  .constantFrom(...mutableFields)
  .chain((f) =>
    fc.tuple(
      fc.constant(f),
      fc.oneof({ weight: 5, arbitrary: wild(f) }, { weight: 1, arbitrary: fc.constant(DELETE) }),
    ),
  );

/** A spec with every field present and valid, then one to three fields changed. */
const mutatedSpec = fc
  .tuple(good(specField, { full: true }), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([spec, changes]) => {
    const root = { spec: structuredClone(spec) } as Record<string, unknown>;
    for (const [f, value] of changes) {
      setAt(root, f.path, value === DELETE ? value : structuredClone(value));
    }
    return root.spec;
  });

/** A spec of valid fields only (most of them valid together, some not: cross-field rules). */
export const goodSpec = good(specField);

/** Specs of every kind: valid, valid but for a few fields, and wild throughout. */
export const anySpec = fc.oneof(
  { weight: 3, arbitrary: goodSpec },
  { weight: 4, arbitrary: mutatedSpec },
  { weight: 2, arbitrary: edge(specField) },
  { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES) },
);

/** Specs that are mostly valid, for the properties of accepted specs. */
export const mostlyGoodSpec = fc.oneof(
  { weight: 4, arbitrary: goodSpec },
  { weight: 1, arbitrary: mutatedSpec },
);

/** metadata.name: DNS-1035 labels up to the 63-character limit, and names that are not. */
export const goodName = fc.oneof(
  fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/),
  fc.constantFrom(`a${'b'.repeat(61)}c`, 'a', 'weather-2'),
);
export const anyName = fc.oneof(
  { weight: 4, arbitrary: goodName },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a'.repeat(64),
      '',
      'Weather',
      '1abc',
      'a.b',
      'a-',
      '-a',
      'wëather',
      'a_b',
      HUGE,
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 70 }) },
);
const namespace = fc.constantFrom('default', 'team-a');

export type Manifest = Record<string, unknown> & {
  metadata: Record<string, unknown>;
  spec?: unknown;
};

/** An MCPServer around a spec; now and then with a broken envelope. */
export function manifestOf(
  spec: fc.Arbitrary<unknown>,
  name: fc.Arbitrary<string>,
  broken = true,
): fc.Arbitrary<Manifest> {
  const whole = fc.tuple(name, namespace, spec).map(([n, ns, s]): Manifest => ({
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: n, namespace: ns },
    spec: s,
  }));
  if (!broken) return whole;
  return fc.oneof(
    { weight: 20, arbitrary: whole },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          whole,
          fc.constantFrom<(m: Manifest) => Manifest>(
            ({ spec: _spec, ...m }) => m,
            (m) => ({ ...m, metadata: { namespace: m.metadata.namespace } }),
            (m) => ({ ...m, metadata: { ...m.metadata, lables: { a: 'b' } } }),
            (m) => ({ ...m, metadata: { ...m.metadata, name: 7 } }),
            (m) => ({ ...m, status: { phase: 'Ready' } }),
            (m) => ({ ...m, spek: {} }),
          ),
        )
        .map(([m, breakIt]) => breakIt(m)),
    },
  );
}
