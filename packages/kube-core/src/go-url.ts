// URLs parsed as Go's net/url does (url.Parse and url.ParseRequestURI), for
// the OpenAPI `uri` format and CEL's url() library, which kube-apiserver
// implements with them. WHATWG URL parsing (node's URL) normalizes and
// accepts differently, so the Go algorithm is written out here.
import { goQuote } from './go-format.ts';

export interface GoURL {
  scheme: string;
  opaque: string;
  /** host or host:port, as u.Host. */
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

const isAlnum = (c: number) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
const isHex = (c: string | undefined) => !!c && /^[0-9a-fA-F]$/.test(c);

/** url.shouldEscape for one byte. */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case 'path':
        return ch === '?';
      case 'userPassword':
        return '@/?:'.includes(ch);
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

class URLError extends Error {}

/** url.unescape: decodes %XX (and + in query components), rejecting bad escapes as Go does. */
function unescape(s: string, mode: Mode): string {
  const bytes = new TextEncoder().encode(s);
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i]!;
    if (c === 0x25) {
      const hex = s.slice(i + 1, i + 3);
      if (i + 2 >= bytes.length || !isHex(hex[0]) || !isHex(hex[1])) {
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      if (mode === 'host' && parseInt(hex[0]!, 16) < 8 && hex !== '25') {
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscape(c, mode)) {
        throw new URLError(`invalid character ${goQuote(String.fromCharCode(c))} in host name`);
      }
      i++;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i]!;
    if (c === 0x25) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 3;
    } else {
      out.push(c === 0x2b && mode === 'queryComponent' ? 0x20 : c);
      i++;
    }
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

/** url.escape. */
function escape(s: string, mode: Mode): string {
  let out = '';
  for (const c of new TextEncoder().encode(s)) {
    if (!shouldEscape(c, mode)) out += String.fromCharCode(c);
    else if (c === 0x20 && mode === 'queryComponent') out += '+';
    else out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new URLError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) {
      throw new URLError(`invalid port ${goQuote(colonPort)} after host`);
    }
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return (
        unescape(host.slice(0, zone), 'host') +
        unescape(host.slice(zone, i), 'zone') +
        unescape(host.slice(i), 'host')
      );
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validOptionalPort(host.slice(i))) {
      throw new URLError(`invalid port ${goQuote(host.slice(i))} after host`);
    }
  }
  return unescape(host, 'host');
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!USERINFO.test(userinfo)) throw new URLError('net/url: invalid userinfo');
    const colon = userinfo.indexOf(':');
    unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), 'userPassword');
    if (colon >= 0) unescape(userinfo.slice(colon + 1), 'userPassword');
  }
  return host;
}

function parse(raw: string, viaRequest: boolean): GoURL {
  // stringContainsCTLByte: Go refuses ASCII control bytes anywhere in a URL
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new URLError('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new URLError('empty url');
  const url: GoURL = {
    scheme: '',
    opaque: '',
    host: '',
    path: '',
    rawPath: '',
    rawQuery: '',
    fragment: '',
  };
  if (raw === '*') return { ...url, path: '*' };
  const [scheme, afterScheme] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  let rest = afterScheme;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, url.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (url.scheme) return { ...url, opaque: rest };
    if (viaRequest) throw new URLError('invalid URI for request');
    const segment = rest.split('/')[0]!;
    if (segment.includes(':')) {
      throw new URLError('first path segment in URL cannot contain colon');
    }
  }
  if ((url.scheme || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    url.host = parseAuthority(authority);
  }
  url.path = unescape(rest, 'path');
  url.rawPath = escape(url.path, 'path') === rest ? '' : rest;
  return url;
}

function wrap(raw: string, f: () => GoURL): GoURL | Error {
  try {
    return f();
  } catch (e) {
    if (e instanceof URLError) return new Error(`parse ${goQuote(raw)}: ${e.message}`);
    throw e;
  }
}

/** url.ParseRequestURI: an absolute URI or an absolute path, no fragment. */
export function parseRequestURI(raw: string): GoURL | Error {
  return wrap(raw, () => parse(raw, true));
}

/** url.Parse: any URL reference, with a #fragment. */
export function parseURL(raw: string): GoURL | Error {
  const hash = raw.indexOf('#');
  const [u, fragment] = hash < 0 ? [raw, ''] : [raw.slice(0, hash), raw.slice(hash + 1)];
  const parsed = wrap(u, () => parse(u, false));
  if (parsed instanceof Error || !fragment) return parsed;
  return wrap(raw, () => ({ ...parsed, fragment: unescape(fragment, 'fragment') }));
}

function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    [host, port] = [host.slice(0, colon), host.slice(colon + 1)];
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

/** URL.Hostname: the host without port or IPv6 brackets. */
export function urlHostname(u: GoURL): string {
  return splitHostPort(u.host)[0];
}

/** URL.Port. */
export function urlPort(u: GoURL): string {
  return splitHostPort(u.host)[1];
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of new TextEncoder().encode(s)) {
    if (`!$&'()*+,;=:@[]%`.includes(String.fromCharCode(c))) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

/** URL.EscapedPath. */
export function urlEscapedPath(u: GoURL): string {
  if (u.rawPath && validEncoded(u.rawPath, 'path')) {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to escaping the path
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

/** URL.Query: url.ParseQuery of the raw query, pairs it cannot decode dropped. */
export function urlQuery(u: GoURL): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const [rawKey, rawValue] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    try {
      const k = unescape(rawKey, 'queryComponent');
      const v = unescape(rawValue, 'queryComponent');
      out.set(k, [...(out.get(k) ?? []), v]);
    } catch {
      continue;
    }
  }
  return out;
}
