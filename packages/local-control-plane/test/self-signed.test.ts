// The local control plane's certificate: DER as every ASN.1 parser reads it.
// A serial whose first random byte is zero used to keep that byte, which
// OpenSSL (and so Node's TLS) rejects as "illegal padding" — once in 256 starts.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { derInteger, selfSignedCertificate } from '../src/self-signed.ts';

describe('self-signed certificate', () => {
  it('encodes integers minimally (X.690 8.3.2)', () => {
    const table: [number[], number[]][] = [
      [
        [0x00, 0x05],
        [0x02, 0x01, 0x05],
      ],
      [
        [0x00, 0x00, 0x7f],
        [0x02, 0x01, 0x7f],
      ],
      [[0x80], [0x02, 0x02, 0x00, 0x80]],
      [
        [0x00, 0x80],
        [0x02, 0x02, 0x00, 0x80],
      ],
      [[0x00], [0x02, 0x01, 0x00]],
      [
        [0x12, 0x34],
        [0x02, 0x02, 0x12, 0x34],
      ],
    ];
    for (const [input, der] of table) {
      assert.deepEqual([...derInteger(Buffer.from(input))], der, input.join(','));
    }
  });

  it('is a valid certificate for 127.0.0.1 and localhost, every time', () => {
    for (let i = 0; i < 50; i++) {
      const { certPem } = selfSignedCertificate();
      const cert = new X509Certificate(certPem);
      assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
      assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      assert.ok(cert.ca);
    }
  });
});
