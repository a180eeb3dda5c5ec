// Structural defaulting as the custom resource decoder applies it after
// pruning: a property's default fills it when absent, or when it is null and
// the property is not nullable; defaults land only inside objects that exist
// (a default object gets its own nested defaults too), and inside array items
// and map values.
import { mapValueSchema, type StructuralSchema } from '@mcp-operator/kube-core/structural';
import { clone, isObject } from '@mcp-operator/kube-core/json';

function isNonNullableNull(x: unknown, s: StructuralSchema | undefined): boolean {
  return x === null && !!s && !s.nullable;
}

/** Applies defaults in place. */
export function applyDefaultsInPlace(x: unknown, s: StructuralSchema | undefined): void {
  if (!s) return;
  if (isObject(x)) {
    for (const [k, property] of Object.entries(s.properties ?? {})) {
      if (property.default === undefined) continue;
      if (!(k in x) || isNonNullableNull(x[k], property)) x[k] = clone(property.default);
    }
    const valueSchema = mapValueSchema(s);
    for (const k of Object.keys(x)) {
      const property = s.properties?.[k];
      if (property) applyDefaultsInPlace(x[k], property);
      else if (valueSchema) {
        if (isNonNullableNull(x[k], valueSchema)) x[k] = clone(valueSchema.default ?? null);
        applyDefaultsInPlace(x[k], valueSchema);
      }
    }
  } else if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], s.items)) x[i] = clone(s.items?.default ?? null);
      applyDefaultsInPlace(x[i], s.items);
    }
  }
}
