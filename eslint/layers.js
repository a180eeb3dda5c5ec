// The layers' imports go one way. Each layer is a directory; it may import
// itself and the layers listed for it, nothing else. The control plane is a
// development tool: only `mcp-operator local` (src/cmd/local.ts) imports it,
// and the rest of `cmd` loads that module only lazily (a dynamic import() or a
// type-only import), so `mcp-operator run` never loads the control plane.
import { dirname, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** name → [directory or file, layers it may import]; the first match names a file's layer. */
export const LAYERS = {
  'cmd local': [
    'src/cmd/local.ts',
    ['api', 'cmd', 'controller', 'install', 'kube', 'kube-core', 'local-control-plane', 'operator'],
  ],
  'kube-core': ['packages/kube-core/src', []],
  'local-control-plane': ['packages/local-control-plane/src', ['kube-core']],
  kube: ['src/kube', ['kube-core']],
  api: ['src/api', ['kube', 'kube-core']],
  controller: ['src/controller', ['kube', 'kube-core']],
  operator: ['src/operator', ['api', 'controller', 'kube', 'kube-core']],
  install: ['src/install', ['api', 'kube', 'kube-core', 'operator']],
  cmd: ['src/cmd', ['api', 'controller', 'install', 'kube', 'kube-core', 'operator']],
};
const LAZY = { cmd: ['cmd local', 'local-control-plane'] };
const PACKAGES = {
  '@mcp-operator/kube-core': 'kube-core',
  '@mcp-operator/local-control-plane': 'local-control-plane',
};

function layerOfPath(file) {
  const rel = relative(root, file).split('\\').join('/');
  for (const [name, [dir]] of Object.entries(LAYERS)) {
    if (rel === dir || rel.startsWith(`${dir}/`)) return name;
  }
  return rel.startsWith('..') ? 'outside the repository' : rel.split('/').slice(0, 2).join('/');
}

function layerOfSpecifier(specifier, file) {
  if (specifier.startsWith('.')) return layerOfPath(resolve(dirname(file), specifier));
  const pkg = Object.keys(PACKAGES).find((p) => specifier === p || specifier.startsWith(`${p}/`));
  return pkg ? PACKAGES[pkg] : undefined; // a third-party module: not a layer
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'keep the imports between layers one-way' },
    schema: [],
    messages: {
      forbidden:
        '{{from}} must not import {{to}} ({{specifier}}): {{from}} may import only {{allowed}}.',
      eager:
        '{{from}} may load {{to}} only lazily (await import(…)) so that `run` never loads it ({{specifier}}).',
    },
  },
  create(context) {
    const file = context.filename;
    const from = layerOfPath(file);
    if (!LAYERS[from]) return {};
    const [, allowed] = LAYERS[from];
    const check = (node, source, lazy) => {
      if (!source || typeof source.value !== 'string') return;
      const specifier = source.value;
      const to = layerOfSpecifier(specifier, file);
      if (to === undefined || to === from || allowed.includes(to)) return;
      const data = { from, to, specifier, allowed: [from, ...allowed].join(', ') };
      if ((LAZY[from] ?? []).includes(to)) {
        if (!lazy) context.report({ node, messageId: 'eager', data });
        return;
      }
      context.report({ node, messageId: 'forbidden', data });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, true),
    };
  },
};

export default { rules: { 'one-way': rule } };
