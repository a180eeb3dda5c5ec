// Kubernetes resource quantities (`500m`, `64Mi`, `1e3`), parsed exactly as a
// fraction, as k8s.io/apimachinery's resource.ParseQuantity accepts them: a
// request compares with its limit, the reconciler compares desired with live
// values, and CEL's quantity() library computes with them.

export interface Quantity {
  numerator: bigint;
  denominator: bigint;
}

const PATTERN =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y) [x, y] = [y, x % y];
  return x;
}

/** The same value with the fraction reduced, so equal quantities are equal fields. */
function reduced(numerator: bigint, denominator: bigint): Quantity {
  const d = gcd(numerator, denominator) || 1n;
  return { numerator: numerator / d, denominator: denominator / d };
}

/** Parses a quantity (no surrounding whitespace, as ParseQuantity); undefined when the text is not one. */
export function parseQuantity(text: string): Quantity | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const [, sign = '', number = '', suffix = ''] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let numerator = BigInt((whole || '0') + fraction) * (sign === '-' ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  let exponent = 0;
  if (suffix in BINARY) numerator *= BINARY[suffix]!;
  else if (suffix in DECIMAL_EXPONENT) exponent = DECIMAL_EXPONENT[suffix]!;
  else exponent = Number(suffix.slice(1));
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return reduced(numerator, denominator);
}

/** Negative, zero or positive as a is less than, equal to or greater than b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Quantity.Add. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return reduced(
    a.numerator * b.denominator + b.numerator * a.denominator,
    a.denominator * b.denominator,
  );
}

/** Quantity.Sub. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return addQuantities(a, { numerator: -b.numerator, denominator: b.denominator });
}

/** Quantity.Sign: -1, 0 or 1. */
export function quantitySign(q: Quantity): number {
  return q.numerator < 0n ? -1 : q.numerator > 0n ? 1 : 0;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Quantity.AsInt64: the value when it is a whole number within int64, else undefined. */
export function quantityAsInt64(q: Quantity): bigint | undefined {
  if (q.numerator % q.denominator !== 0n) return undefined;
  const value = q.numerator / q.denominator;
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** Quantity.AsApproximateFloat64. */
export function quantityAsFloat(q: Quantity): number {
  return Number(q.numerator) / Number(q.denominator);
}
