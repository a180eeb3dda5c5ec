// Loading MCPServers from YAML files, for the commands that take -f. The YAML
// is read as kubectl reads it (YAML 1.1 scalars: an unquoted `off` is a
// boolean), so what passes here passes `kubectl apply -f` too.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseKubectlYaml } from '../kube/yaml.ts';

export interface LoadedDocument {
  source: string;
  object: unknown;
}

/** Reads every YAML document from a file, a directory of .yaml/.yml/.json files, or '-' (stdin). */
export function loadDocuments(path: string, readStdin: () => string): LoadedDocument[] {
  if (path === '-') return parseDocuments(readStdin(), '<stdin>');
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .sort()
      .flatMap((name) => loadDocuments(join(path, name), readStdin));
  }
  return parseDocuments(readFileSync(path, 'utf8'), path);
}

export function parseDocuments(text: string, source: string): LoadedDocument[] {
  const documents: LoadedDocument[] = [];
  for (const object of parseKubectlYaml(text, source)) {
    if (object === null || object === undefined) continue;
    if (isList(object)) {
      for (const item of object.items) documents.push({ source, object: item });
    } else documents.push({ source, object });
  }
  return documents;
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown };
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}
