// Regular expressions with RE2 semantics, as kube-apiserver compiles them with
// Go's regexp package: CRD `pattern`s (apiextensions validation and
// kube-openapi's pattern check) and CEL's matches(), find() and findAll().
// RE2 rejects what JavaScript accepts (lookaround, backreferences), and
// re2js, a port of Go's regexp/syntax, words the errors as Go does:
// "error parsing regexp: invalid or unsupported Perl syntax: `(?!`".
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS | Error>();

/** regexp.Compile: the compiled pattern, or an Error with Go's message. */
export function compileRegexp(pattern: string): RE2JS | Error {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    compiled.set(pattern, re);
  }
  return re;
}

/** compileRegexp that throws the parse error (for CEL functions, where it becomes the error value). */
export function mustCompileRegexp(pattern: string): RE2JS {
  const re = compileRegexp(pattern);
  if (re instanceof Error) throw re;
  return re;
}

/** regexp.MatchString: whether the pattern matches anywhere in `text`. */
export function matchesRegexp(pattern: string, text: string): boolean {
  return mustCompileRegexp(pattern).test(text);
}

/**
 * Regexp.FindAllString(text, n): up to n leftmost non-overlapping matches
 * (all when n < 0). Go drops an empty match that abuts the previous match,
 * which Java-style iteration (re2js's matchAll) keeps, so the loop is Go's.
 */
export function findAllRegexp(pattern: string, text: string, n = -1): string[] {
  const matcher = mustCompileRegexp(pattern).matcher(text);
  const out: string[] = [];
  let pos = 0;
  let previousEnd = -1;
  while ((n < 0 || out.length < n) && pos <= text.length && matcher.find(pos)) {
    const start = matcher.start();
    const end = matcher.end();
    let accept = true;
    if (end === pos) {
      if (start === previousEnd) accept = false;
      pos += pos < text.length ? String.fromCodePoint(text.codePointAt(pos)!).length : 1;
    } else {
      pos = end;
    }
    previousEnd = end;
    if (accept) out.push(text.slice(start, end));
  }
  return out;
}

/** Regexp.FindString: the leftmost match, or '' when there is none. */
export function findRegexp(pattern: string, text: string): string {
  const matcher = mustCompileRegexp(pattern).matcher(text);
  return matcher.find() ? text.slice(matcher.start(), matcher.end()) : '';
}
