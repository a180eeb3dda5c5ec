// Field paths as k8s.io/apimachinery's field.Path prints them: `spec.port`,
// `spec.tools[0]`, map keys unquoted `spec.labels[app]`; '' is the root.

/** field.Path.Child: `a.b`; an empty parent is the root. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** field.Path.Index: `a[0]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** field.Path.Key: `a[key]`, unquoted as kube prints map keys. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
