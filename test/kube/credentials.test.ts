// What the kubeconfig may say and how requests then authenticate, read as
// client-go reads it (tools/clientcmd: file paths relative to the file, a
// token winning over tokenFile, one credential source per user; the exec
// plugin protocol of client.authentication.k8s.io; token files re-read after
// a minute; an exec credential fetched again on expiry or a 401).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { createKubeClient, KubeConfigError, restConfigFromYaml } from '../../src/kube/client.ts';
import {
  Authenticator,
  TOKEN_FILE_REREAD_MS,
  TOKEN_FILE_RETRY_MS,
} from '../../src/kube/credentials.ts';
import type { RunPlugin } from '../../src/kube/credentials.ts';
import type { RestConfig } from '../../src/kube/kubeconfig.ts';
import { RESOURCES } from '@mcp-operator/kube-core/port';
import { TransportError, UnauthorizedError } from '@mcp-operator/kube-core/errors';
import { LocalControlPlane } from '@mcp-operator/local-control-plane/control-plane';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'credentials-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A kubeconfig with one cluster, one user and one context, as kubectl writes it. */
function kubeconfig(
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
  context: Record<string, unknown> = {},
): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://k8s.example:6443', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', ...context } }],
    'current-context': 'x',
  });
}

const fromYaml = (text: string) => restConfigFromYaml(text, 'test kubeconfig', dir);
const never = new AbortController().signal;

describe('reading a kubeconfig', () => {
  it('reads TLS material inline or from files relative to the kubeconfig', () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA FROM FILE');
    writeFileSync(join(dir, 'client.pem'), 'CERT FROM FILE');
    writeFileSync(join(dir, 'client.key'), 'KEY FROM FILE');
    const fromFiles = fromYaml(
      kubeconfig(
        { 'certificate-authority': 'ca.pem', 'tls-server-name': 'api.internal' },
        { 'client-certificate': 'client.pem', 'client-key': join(dir, 'client.key') },
        { namespace: 'team-a' },
      ),
    );
    assert.equal(fromFiles.tls.ca?.toString(), 'CA FROM FILE');
    assert.equal(fromFiles.tls.cert?.toString(), 'CERT FROM FILE');
    assert.equal(fromFiles.tls.key?.toString(), 'KEY FROM FILE');
    assert.equal(fromFiles.tls.serverName, 'api.internal');
    assert.equal(fromFiles.tls.insecureSkipVerify, false);
    assert.equal(fromFiles.namespace, 'team-a');
    assert.deepEqual(fromFiles.credentials, { kind: 'none' });

    const inline = fromYaml(
      kubeconfig(
        {
          'certificate-authority-data': Buffer.from('CA INLINE').toString('base64'),
          'insecure-skip-tls-verify': true,
        },
        { token: 'abc', tokenFile: '/ignored' },
      ),
    );
    assert.equal(inline.tls.ca?.toString(), 'CA INLINE');
    assert.equal(inline.tls.insecureSkipVerify, true);
    // client-go: an inline token wins over tokenFile.
    assert.deepEqual(inline.credentials, { kind: 'token', token: 'abc' });
  });

  it('reads every kind of credential', () => {
    const creds = (user: Record<string, unknown>) => fromYaml(kubeconfig({}, user)).credentials;
    assert.deepEqual(creds({ tokenFile: 'token' }), {
      kind: 'tokenFile',
      path: join(dir, 'token'),
    });
    assert.deepEqual(creds({ username: 'admin', password: 'secret' }), {
      kind: 'basic',
      username: 'admin',
      password: 'secret',
    });
    assert.deepEqual(creds({ 'auth-provider': { name: 'oidc', config: { 'id-token': 'jwt' } } }), {
      kind: 'token',
      token: 'jwt',
    });
    assert.deepEqual(
      creds({
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: './bin/plugin',
          args: ['token', '--cluster', 'prod'],
          env: [{ name: 'REGION', value: 'eu' }],
          interactiveMode: 'Never',
          provideClusterInfo: true,
        },
      }),
      {
        kind: 'exec',
        exec: {
          command: join(dir, 'bin/plugin'),
          args: ['token', '--cluster', 'prod'],
          env: { REGION: 'eu' },
          apiVersion: 'client.authentication.k8s.io/v1',
          provideClusterInfo: true,
        },
      },
    );
  });

  it('names the user and what to change for a kubeconfig it cannot use', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      [
        {},
        { token: 't', username: 'u', password: 'p' },
        /user "u" sets a token and a username and password; set only one/,
      ],
      [
        {},
        { 'auth-provider': { name: 'gcp' } },
        /auth-provider "gcp" is not supported .*exec credential plugin/,
      ],
      [{}, { 'auth-provider': { name: 'oidc', config: {} } }, /oidc auth-provider has no id-token/],
      [
        {},
        { exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' } },
        /exec apiVersion "client.authentication.k8s.io\/v1alpha1" is not one of/,
      ],
      [
        {},
        {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'x',
            interactiveMode: 'Always',
          },
        },
        /interactiveMode is Always/,
      ],
      [
        {},
        { 'client-certificate-data': 'Y2VydA==' },
        /client certificate or key without the other/,
      ],
      [
        {},
        { 'client-key': 'missing.key', 'client-certificate-data': 'Y2VydA==' },
        /client-key .*missing\.key could not be read/,
      ],
      [{ 'proxy-url': 'http://proxy:3128' }, {}, /proxy-url, which this operator does not support/],
      [{ server: '' }, {}, /cluster "c" has no server/],
      [
        { server: 'k8s.example:6443' },
        {},
        /server "k8s.example:6443", which is not an https:\/\/ or http:\/\/ URL/,
      ],
    ];
    for (const [cluster, user, message] of cases) {
      assert.throws(
        () => fromYaml(kubeconfig(cluster, user)),
        (err: unknown) => err instanceof KubeConfigError && message.test(err.message),
        String(message),
      );
    }
    assert.throws(
      () => fromYaml(kubeconfig({}, {}, { user: 'ghost' })),
      /context "x" names user "ghost", which is not defined/,
    );
    assert.throws(() => fromYaml('clusters: {}\n'), /clusters is not a list/);
    assert.throws(() => fromYaml('{ nope'), /could not be read/);
  });
});

const config = (
  credentials: RestConfig['credentials'],
  extra: Partial<RestConfig> = {},
): RestConfig => ({
  server: 'https://k8s.example:6443',
  tls: { insecureSkipVerify: false },
  credentials,
  source: 'test',
  ...extra,
});

describe('Authenticator', () => {
  it('sends basic credentials, a static token, or nothing', async () => {
    const header = async (c: RestConfig) =>
      (await new Authenticator(c).authorize(never)).headers.Authorization;
    assert.equal(await header(config({ kind: 'none' })), undefined);
    assert.equal(await header(config({ kind: 'token', token: 't0' })), 'Bearer t0');
    assert.equal(
      await header(config({ kind: 'basic', username: 'admin', password: 'pw' })),
      `Basic ${Buffer.from('admin:pw').toString('base64')}`,
    );
  });

  it('re-reads a token file after a minute or a 401, and keeps the last token while it is unreadable', async () => {
    const file = join(dir, 'rotating-token');
    writeFileSync(file, 'first\n');
    let now = 1_000_000;
    const auth = new Authenticator(config({ kind: 'tokenFile', path: file }), { now: () => now });
    const bearer = async () => (await auth.authorize(never)).headers.Authorization;
    assert.equal(await bearer(), 'Bearer first');
    writeFileSync(file, 'second\n');
    now += TOKEN_FILE_REREAD_MS - 1;
    assert.equal(await bearer(), 'Bearer first');
    now += 1;
    assert.equal(await bearer(), 'Bearer second');
    writeFileSync(file, 'third\n');
    auth.rejected();
    assert.equal(await bearer(), 'Bearer third');
    rmSync(file);
    now += TOKEN_FILE_REREAD_MS;
    assert.equal(await bearer(), 'Bearer third');
    // Read again only after a pause, not on every request.
    writeFileSync(file, 'fourth\n');
    assert.equal(await bearer(), 'Bearer third');
    now += TOKEN_FILE_RETRY_MS;
    assert.equal(await bearer(), 'Bearer fourth');
    rmSync(file);
    await assert.rejects(
      new Authenticator(config({ kind: 'tokenFile', path: file })).authorize(never),
      /token file .*rotating-token could not be read/,
    );
  });

  it('runs an exec plugin once until its credential expires or is refused', async () => {
    const runs: NodeJS.ProcessEnv[] = [];
    let now = Date.parse('2026-12-01T00:00:00Z');
    const runPlugin: RunPlugin = (command, args, env) => {
      runs.push(env);
      return Promise.resolve({
        stdout: JSON.stringify({
          apiVersion: 'client.authentication.k8s.io/v1',
          kind: 'ExecCredential',
          status: { token: `token-${runs.length}`, expirationTimestamp: '2026-12-01T00:10:00Z' },
        }),
        stderr: '',
      });
    };
    const exec = {
      command: 'plugin',
      args: [],
      env: { REGION: 'eu' },
      apiVersion: 'client.authentication.k8s.io/v1',
      provideClusterInfo: true,
    };
    const auth = new Authenticator(
      config({ kind: 'exec', exec }, { tls: { ca: Buffer.from('CA'), insecureSkipVerify: false } }),
      { now: () => now, runPlugin },
    );
    const bearer = async () => (await auth.authorize(never)).headers.Authorization;
    const [a, b] = await Promise.all([bearer(), bearer()]);
    assert.equal(a, 'Bearer token-1');
    assert.equal(b, 'Bearer token-1');
    assert.equal(runs.length, 1, 'concurrent requests share one run');
    assert.equal(runs[0]!.REGION, 'eu');
    assert.deepEqual(JSON.parse(runs[0]!.KUBERNETES_EXEC_INFO!), {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: {
          server: 'https://k8s.example:6443',
          'certificate-authority-data': Buffer.from('CA').toString('base64'),
        },
      },
    });
    now += 9 * 60_000;
    assert.equal(await bearer(), 'Bearer token-1');
    now += 60_000;
    assert.equal(await bearer(), 'Bearer token-2');
    auth.rejected();
    assert.equal(await bearer(), 'Bearer token-3');
  });

  it('says what is wrong with what an exec plugin printed', async () => {
    const exec = {
      command: 'plugin',
      args: [],
      env: {},
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      provideClusterInfo: false,
    };
    const printing = (stdout: string) =>
      new Authenticator(config({ kind: 'exec', exec }), {
        runPlugin: () => Promise.resolve({ stdout, stderr: '' }),
      }).authorize(never);
    const credential = (extra: Record<string, unknown>) =>
      JSON.stringify({ kind: 'ExecCredential', apiVersion: exec.apiVersion, ...extra });
    await assert.rejects(printing('oops'), /not an ExecCredential/);
    await assert.rejects(
      printing(credential({ apiVersion: 'client.authentication.k8s.io/v1' })),
      /answered apiVersion client.authentication.k8s.io\/v1, not the .*v1beta1/,
    );
    await assert.rejects(printing(credential({ status: {} })), /neither a token nor a certificate/);
    await assert.rejects(
      printing(credential({ status: { clientKeyData: 'k' } })),
      /certificate or key without the other/,
    );
    const withCert = await new Authenticator(config({ kind: 'exec', exec }), {
      runPlugin: () =>
        Promise.resolve({
          stdout: credential({ status: { clientCertificateData: 'CERT', clientKeyData: 'KEY' } }),
          stderr: '',
        }),
    }).authorize(never);
    assert.equal(withCert.clientCert?.cert.toString(), 'CERT');
    assert.equal(withCert.headers.Authorization, undefined);
  });
});

describe('requests with each credential, end to end', () => {
  let plane: LocalControlPlane;
  before(async () => {
    plane = new LocalControlPlane();
    await plane.start();
  });
  after(() => plane.stop());

  /** The plane's kubeconfig with its user replaced. */
  const withUser = (user: Record<string, unknown>) => {
    const doc = parse(plane.kubeconfig()) as { users: [{ user: unknown }] };
    doc.users[0].user = user;
    return stringify(doc);
  };

  it('authenticates through a real exec plugin, with its env and cluster info', async () => {
    const log = join(dir, 'plugin.log');
    const plugin = join(dir, 'plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\necho "$REGION $KUBERNETES_EXEC_INFO" >> ${log}\n` +
        `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$1"\n`,
    );
    chmodSync(plugin, 0o755);
    const exec = (token: string) => ({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: plugin,
        args: [token],
        env: [{ name: 'REGION', value: 'eu' }],
        interactiveMode: 'Never',
        provideClusterInfo: true,
      },
    });
    const port = createKubeClient(restConfigFromYaml(withUser(exec(plane.token))));
    const list = await port.list(RESOURCES.namespaces);
    assert.ok(list.items.some((ns) => ns.metadata.name === 'default'));
    await port.list(RESOURCES.namespaces);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1, 'a credential without an expiry is reused');
    assert.match(lines[0]!, /^eu \{.*"interactive":false.*"server":"https:\/\/127\.0\.0\.1:/);

    // A refused credential is fetched again on the next request.
    const refused = createKubeClient(restConfigFromYaml(withUser(exec('not-a-token'))));
    await assert.rejects(refused.list(RESOURCES.namespaces), UnauthorizedError);
    await assert.rejects(refused.list(RESOURCES.namespaces), UnauthorizedError);
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 3);
  });

  it('checks the server certificate against tls-server-name when one is set', async () => {
    // The plane's certificate names 127.0.0.1 and localhost.
    const withServerName = (name: string) => {
      const doc = parse(plane.kubeconfig()) as { clusters: [{ cluster: Record<string, unknown> }] };
      doc.clusters[0].cluster['tls-server-name'] = name;
      return createKubeClient(restConfigFromYaml(stringify(doc)));
    };
    const list = await withServerName('localhost').list(RESOURCES.namespaces);
    assert.ok(list.items.length > 0);
    await assert.rejects(
      withServerName('api.elsewhere.example').list(RESOURCES.namespaces),
      (err: unknown) =>
        err instanceof TransportError && /altnames|api\.elsewhere/i.test(err.message),
    );
  });

  it('reports a plugin that is not installed with its install hint', async () => {
    const port = createKubeClient(
      restConfigFromYaml(
        withUser({
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'no-such-credential-plugin',
            interactiveMode: 'Never',
            installHint: 'install it with: brew install no-such-credential-plugin',
          },
        }),
      ),
    );
    await assert.rejects(
      port.list(RESOURCES.namespaces),
      (err: unknown) =>
        err instanceof TransportError &&
        /could not authenticate .*no-such-credential-plugin.*ENOENT.*brew install/.test(
          err.message,
        ),
    );
  });

  it('sends impersonation headers, one line per group', async () => {
    let seen: { headers: IncomingHttpHeaders; groups: string[] | undefined } | undefined;
    const server = createServer((req, res) => {
      seen = { headers: req.headers, groups: req.headersDistinct['impersonate-group'] };
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end('{"kind":"NamespaceList","items":[],"metadata":{}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const port = createKubeClient(
        fromYaml(
          kubeconfig({ server: url }, { token: 't', as: 'jane', 'as-groups': ['devs', 'ops'] }),
        ),
      );
      await port.list(RESOURCES.namespaces);
      assert.equal(seen?.headers['impersonate-user'], 'jane');
      assert.deepEqual(seen?.groups, ['devs', 'ops']);
      assert.equal(seen?.headers.authorization, 'Bearer t');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
