// metav1.Time and metav1.MicroTime as they appear in JSON: RFC 3339 in UTC,
// Time with whole seconds, MicroTime with exactly six fractional digits.

/** metav1.Time: RFC 3339 in UTC, fractional seconds dropped. */
export function rfc3339(time: number | Date): string {
  const ms = typeof time === 'number' ? time : time.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
export function microTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`microTime: not a time: ${ms}`);
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.floor((ms - whole) * 1000));
  const iso = new Date(whole).toISOString(); // 2026-11-24T21:00:00.123Z
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}
