// The connection test verifies the server's chain itself, at an instant it is given (the handshake's own
// verdict uses the machine's clock and stops at one error). Held against `openssl verify -purpose sslserver
// -attime` on the same bytes: the same first error at the same depth, or OK, for every shape of chain a
// platform can present (issue #15).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CertificateMemo, certificatesOf, parsePki } from '../../server/src/pki';
import { VERIFY_ERRORS, verifyChain } from '../../server/src/service/connect/verify';
import { DAY, NOW, pki } from '../helpers/pki';

function openssl(leaf: string, caFile: string | undefined, untrusted: string | undefined, at: Date): string {
  const args = ['verify', '-purpose', 'sslserver', '-attime', String(Math.floor(at.getTime() / 1000)),
    ...(caFile ? ['-CAfile', pki(caFile)] : ['-no-CAfile', '-no-CApath']), ...(untrusted ? ['-untrusted', pki(untrusted)] : []), pki(leaf)];
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status === 0) return 'OK';
  const error = /error (\d+) at (\d+) depth/.exec(run.stdout + run.stderr);
  assert.ok(error, run.stdout + run.stderr);
  return `${error[1]} at ${error[2]}`;
}

function ours(leaf: string, caFile: string | undefined, untrusted: string | undefined, at: Date): { verdict: string; anchored: boolean } {
  const memo = new CertificateMemo();
  const read = (name: string) => certificatesOf(parsePki(readFileSync(pki(name)), memo));
  // What a server sends: its certificate, then the rest of its chain file.
  const sent = [...read(leaf), ...(untrusted ? read(untrusted) : [])];
  const result = verifyChain(sent, caFile ? read(caFile) : [], at, memo);
  const first = result.errors[0];
  return { verdict: first ? `${VERIFY_ERRORS[first.name].number} at ${first.depth}` : 'OK', anchored: result.anchoredBy !== undefined };
}

const LATE = new Date(NOW.getTime() + 3200 * DAY); // past the root's and the intermediate's notAfter

const CASES: { name: string; leaf: string; ca?: string; untrusted?: string; at?: Date; expect: string }[] = [
  { name: 'leaf and intermediate sent, root in the CA list', leaf: 'server.pem', untrusted: 'intermediate-ca.pem', ca: 'root-ca.pem', expect: 'OK' },
  { name: 'the intermediate missing', leaf: 'server.pem', ca: 'root-ca.pem', expect: '20 at 0' },
  { name: 'an unknown root', leaf: 'server.pem', untrusted: 'intermediate-ca.pem', ca: 'client-ca.pem', expect: '20 at 1' },
  { name: 'the whole chain sent, its root not trusted', leaf: 'server.pem', untrusted: 'server-chain-full.pem', ca: 'client-ca.pem', expect: '19 at 2' },
  { name: 'the whole chain sent, its root trusted', leaf: 'server.pem', untrusted: 'server-chain-full.pem', ca: 'ca-list.pem', expect: 'OK' },
  { name: 'a self-signed server certificate', leaf: 'self-signed.pem', ca: 'client-ca.pem', expect: '18 at 0' },
  { name: 'a self-signed server certificate pinned in the CA list', leaf: 'self-signed.pem', ca: 'self-signed.pem', expect: 'OK' },
  { name: 'only the intermediate trusted (no partial chains)', leaf: 'server.pem', ca: 'intermediate-ca.pem', expect: '2 at 1' },
  { name: 'an expired server certificate', leaf: 'expired.pem', untrusted: 'intermediate-ca.pem', ca: 'root-ca.pem', expect: '10 at 0' },
  { name: 'a server certificate not yet valid', leaf: 'not-yet-valid.pem', untrusted: 'intermediate-ca.pem', ca: 'root-ca.pem', expect: '9 at 0' },
  { name: 'every certificate expired: the root is reported first', leaf: 'server.pem', untrusted: 'intermediate-ca.pem', ca: 'root-ca.pem', at: LATE, expect: '10 at 2' },
  { name: 'no CA list at all', leaf: 'server.pem', untrusted: 'intermediate-ca.pem', expect: '20 at 1' },
  { name: 'a leaf posing as the issuer', leaf: 'server.pem', untrusted: 'wrong-host.pem', ca: 'root-ca.pem', expect: '20 at 0' },
];

for (const { name, leaf, ca, untrusted, at = NOW, expect } of CASES) {
  test(`verify like openssl: ${name}`, () => {
    const reference = openssl(leaf, ca, untrusted, at);
    assert.equal(reference, expect, 'the oracle itself');
    const result = ours(leaf, ca, untrusted, at);
    assert.equal(result.verdict, reference);
    // A time error does not stop the path: it still reaches the CA list.
    assert.equal(result.anchored, reference === 'OK' || (/^(9|10) /.test(reference) && !!ca));
  });
}
