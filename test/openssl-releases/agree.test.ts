// The checker against the real OpenSSL of each EMS release: every case of cases.mjs was judged by OpenSSL
// 1.0.2l/q/r, 1.1.1c/j and 3.0 (record.mjs, by hand, never in CI) and the verdicts kept in recorded.json. Here
// the same kinds of files are made again (new keys, the same algorithms, encodings and dates relative to NOW),
// the checker judges them once per release, and the rules below turn each recorded verdict into what the
// checker, targeting that release, must then say — or must not. Where we knowingly disagree, the case is in
// KNOWN_DISAGREEMENTS with why. Every other disagreement fails its test, naming the case, the release, what
// OpenSSL recorded and what we said; the last test lists them all.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService, parseVersion, type Finding } from '../../server/src/service';
import { bundledOpenssl } from '../../server/src/service/openssl';
import { NOW } from '../helpers/pki';
import { REPO_ROOT } from '../helpers/repo';
import { BASE, SETTINGS } from '../helpers/service';

// ---- what was recorded ------------------------------------------------------------------------------------------

type KeyVerdict = { load: 'ok' | 'unsupported' | 'wrong-passphrase' | 'unreadable'; why?: string };
type ChainVerdict = { publicKey: 'ok' | 'unsupported' | 'unreadable'; publicKeyWhy?: string; verify: string; tls: string | null; why?: string };
type Verdict = KeyVerdict | ChainVerdict;
type Kind = 'key' | 'pkcs12' | 'chain';

interface Recorded {
  recordedAt: string;
  datedFrom: string;
  openssl: Record<string, { version: string; build: string; releases: string }>;
  /** EMS release → the OpenSSL (a key of `openssl`) that stands for it. */
  releases: Record<string, string>;
  cases: Record<string, { kind: Kind; about: string; verdicts: Record<string, Verdict> }>;
}

const HERE = join(REPO_ROOT, 'test', 'openssl-releases');
const recorded = JSON.parse(readFileSync(join(HERE, 'recorded.json'), 'utf8')) as Recorded;

// ---- cases.mjs, shared with the recorder -------------------------------------------------------------------------

type Files = Record<string, string>;
interface Made { kind: Kind; files: Files }
interface CasesModule {
  CASES: readonly { name: string; kind: Kind; about: string }[];
  makeCases(dir: string, options: { now: Date; openssl?: string }): Promise<Record<string, Made>>;
  judgeWith(binary: string, made: Made, options: { now: Date; config: string }): Verdict;
}

// ---- the rules ---------------------------------------------------------------------------------------------------

/**
 * What the checker must say when the recorded OpenSSL could not use the file: a finding with one of these codes
 * on the file's setting. Keys and PKCS#12 by the load verdict; chains by `openssl verify`'s error number (at
 * -auth_level 1, the level TLS applies, where the binary has levels), or by the certificate's key being one
 * that OpenSSL cannot decode at all (x509 -pubkey fails: then it cannot be the EMS's own certificate either).
 */
const LOAD_CAUSES: Record<Exclude<KeyVerdict['load'], 'ok'>, readonly string[]> = {
  unsupported: ['release-openssl-unsupported', 'key-algorithm-unsupported'],
  // The recorded passphrase is the right one: only a rule about how that OpenSSL reads it explains the failure.
  'wrong-passphrase': ['release-openssl-unsupported', 'key-passphrase-wrong'],
  unreadable: ['release-openssl-unsupported', 'key-algorithm-unsupported', 'unrecognized-content'],
};
const PUBLIC_KEY_CAUSES = ['release-openssl-unsupported'];
const VERIFY_CAUSES: Record<number, readonly string[]> = {
  6: ['release-openssl-unsupported'], // unable to decode issuer public key (an algorithm it does not know)
  7: ['release-openssl-unsupported'], // certificate signature failure
  // Format errors in notBefore/notAfter: no code names a time encoding; one that says the certificate is unusable would do.
  13: ['cert-time-format'],
  14: ['cert-time-format'],
  66: ['weak-key'], // EE certificate key too weak
  67: ['weak-key'], // CA certificate key too weak
  68: ['weak-signature'], // CA signature digest algorithm too weak
  79: ['ec-explicit-parameters'], // 1.1.1h+ with X509_STRICT
  94: ['ec-explicit-parameters'], // 3.0: explicit EC parameters, by default
};

/**
 * A failure the EMS meets is an error; these findings may be warnings instead, with why. Anything else named
 * by a cause above must be an error.
 */
const WARNING_SUFFICES: readonly { code: string; pointer?: string; series?: string; why: string }[] = [
  {
    code: 'key-algorithm-unsupported', series: '3',
    why: 'recorded with the library defaults, so without the legacy provider; whether EMS 5.5.0 loads it is not known, and ours says the key opens only if it does',
  },
  {
    code: 'ec-explicit-parameters', pointer: '/certificates/client_cert',
    why: "the EMS's own certificate is verified by its peer, not by the EMS's OpenSSL: the recorded 94 is what a peer on OpenSSL 3 does, and the platform's TLS library may differ",
  },
];

/**
 * Case × release where we knowingly say otherwise than the recording, with why. Each must still disagree: one
 * that agrees again fails, so that it is taken out.
 */
/** Not OpenSSL's verdict but the EMS's: its 5.4.0 binary reads keys with SSL_CTX_use_PrivateKey_file only (no PKCS#12 function). */
const NO_PKCS12_IN_540 = 'OpenSSL 1.0.2l opens it, but the 5.4.0 wsems calls no PKCS#12 function (it loads keys with SSL_CTX_use_PrivateKey_file): wrong-content-kind';
const KNOWN_DISAGREEMENTS: Record<string, string> = {
  'p12-openssl3-default@5.4.0': NO_PKCS12_IN_540,
  'p12-legacy-rc2@5.4.0': NO_PKCS12_IN_540,
};

const service = createEmsService({ fs: nodeFileSystem, now: () => NOW });

interface Setup { config: Record<string, unknown>; pointers: readonly string[] }

/** How the EMS meets the case's files: its own key (with the certificate it belongs to), or its identity chain and the CA list that anchors it. */
function setup(made: Made): Setup {
  const { files } = made;
  const passphrase = files['passphrase'] === undefined ? {} : { key_passphrase: files['passphrase'] };
  if (made.kind === 'key') return { config: { certificates: { client_cert: files['certificate'], key_file: files['key'], ...passphrase } }, pointers: ['/certificates/key_file'] };
  if (made.kind === 'pkcs12') return { config: { certificates: { client_cert: files['certificate'], key_file: files['p12'], ...passphrase } }, pointers: ['/certificates/key_file'] };
  return { config: { certificates: { cert_chain: files['ca'], client_cert: files['chain'], key_file: files['key'] } }, pointers: ['/certificates/cert_chain', '/certificates/client_cert'] };
}

type Expectation = { usable: true; recorded: string } | { usable: false; recorded: string; causes: readonly string[] };

function expectation(kind: Kind, verdict: Verdict): Expectation {
  if (kind !== 'chain') {
    const { load, why } = verdict as KeyVerdict;
    const recordedText = why ? `${load} (${why})` : load;
    return load === 'ok' ? { usable: true, recorded: recordedText } : { usable: false, recorded: recordedText, causes: LOAD_CAUSES[load] };
  }
  const chain = verdict as ChainVerdict;
  if (chain.publicKey !== 'ok') return { usable: false, recorded: `certificate key ${chain.publicKey} (${chain.publicKeyWhy ?? ''}); verify ${chain.verify}`, causes: PUBLIC_KEY_CAUSES };
  const effective = chain.tls ?? chain.verify;
  const recordedText = chain.tls === null ? `verify ${chain.verify} (no security levels)` : `verify ${chain.verify}, at level 1 ${chain.tls}`;
  if (effective === 'OK') return { usable: true, recorded: recordedText };
  const number = Number(/^(\d+) at/.exec(effective)?.[1]);
  return { usable: false, recorded: recordedText, causes: VERIFY_CAUSES[number] ?? [] };
}

const seriesOf = (tag: string): string => (tag.startsWith('3.') ? '3' : tag.slice(0, 5));

/** The WARNING_SUFFICES entries some case needed. */
const relaxationsUsed = new Set<(typeof WARNING_SUFFICES)[number]>();

/** The disagreement, as a sentence, or undefined when we agree. */
function disagreement(expected: Expectation, findings: readonly Finding[], pointers: readonly string[], tag: string): string | undefined {
  const errors = findings.filter((f) => f.severity === 'error');
  if (expected.usable) {
    return errors.length ? 'it uses the file, yet we give an error' : undefined;
  }
  if (!expected.causes.length) return `no rule maps this failure to a finding code (add it to VERIFY_CAUSES)`;
  const named = findings.filter((f) => expected.causes.includes(f.code));
  if (!named.length) return `it cannot use the file, and we name no cause (expected one of ${expected.causes.join(', ')})`;
  if (named.some((f) => f.severity === 'error')) return undefined;
  const relaxed = WARNING_SUFFICES.find((w) => named.some((f) => f.severity === 'warning' && w.code === f.code
    && (!w.pointer || w.pointer === f.pointer) && (!w.series || w.series === seriesOf(tag))));
  if (relaxed) relaxationsUsed.add(relaxed);
  return relaxed ? undefined : `it cannot use the file, and we only say ${named.map((f) => `${f.severity} ${f.code}`).join(', ')} (an error is needed${pointers.length > 1 ? ' on either file' : ''})`;
}

const list = (findings: readonly Finding[]): string => findings.length ? findings.map((f) => `${f.severity} ${f.code} ${f.pointer}: ${f.message}`).join('\n    ') : '(nothing)';

// ---- the tests ---------------------------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'ems-openssl-releases-'));
after(() => rmSync(work, { recursive: true, force: true }));
let made: Record<string, Made> = {};
let cases: CasesModule;
const found: string[] = [];

describe('the checker agrees with the OpenSSL each EMS release bundles (recorded)', () => {
  before(async () => {
    cases = await import(pathToFileURL(join(HERE, 'cases.mjs')).href) as CasesModule;
    made = await cases.makeCases(work, { now: NOW });
  });

  test('every case was recorded on the OpenSSL of every release, and nothing else', () => {
    assert.deepEqual(Object.keys(recorded.cases).sort(), cases.CASES.map((c) => c.name).sort());
    for (const [name, { verdicts }] of Object.entries(recorded.cases)) {
      assert.deepEqual(Object.keys(verdicts).sort(), Object.keys(recorded.openssl).sort(), name);
    }
    assert.equal(recorded.datedFrom, NOW.toISOString(), 'the files are made from the same instant they were recorded at (-attime)');
  });

  test("the releases' OpenSSL is the checker's (service/openssl.ts); 5.5.0's 3.1.2 stood in for by an OpenSSL 3", () => {
    for (const [release, tag] of Object.entries(recorded.releases)) {
      const bundled = bundledOpenssl(parseVersion(release)!);
      assert.ok(bundled, release);
      if (tag.startsWith('3.')) assert.equal(bundled.series, '3', release);
      else assert.equal(bundled.version, tag, release);
      assert.ok(recorded.openssl[tag], `${release}: ${tag} was not recorded`);
    }
  });

  for (const [release, tag] of Object.entries(recorded.releases)) {
    describe(`EMS ${release}: ${recorded.openssl[tag]?.version ?? tag}`, () => {
      for (const [name, { kind, about, verdicts }] of Object.entries(recorded.cases)) {
        const verdict = verdicts[tag];
        if (!verdict) continue; // the first test names it
        const expected = expectation(kind, verdict);
        const known = KNOWN_DISAGREEMENTS[`${name}@${release}`];
        test(`${name} (${about}): OpenSSL ${expected.usable ? 'uses it' : 'cannot use it'}${known ? ` — known disagreement: ${known}` : ''}`, async () => {
          const { config, pointers } = setup(made[name]!);
          const result = await service.check({ text: JSON.stringify({ ...BASE, ...config }), settings: { ...SETTINGS, emsVersion: release } });
          const findings = result.findings.filter((f) => pointers.includes(f.pointer));
          const wrong = disagreement(expected, findings, pointers, tag);
          if (known) {
            assert.ok(wrong, `${name} on EMS ${release} is listed in KNOWN_DISAGREEMENTS, yet we agree now: take it out`);
            return;
          }
          if (wrong) found.push(`${name} | ${release} (${tag}) | ${expected.recorded} | ${findings.map((f) => `${f.severity} ${f.code}`).join(', ') || 'nothing'} | ${wrong}`);
          assert.equal(wrong, undefined, `${name} on EMS ${release} (OpenSSL ${tag}): ${wrong}\n  recorded: ${expected.recorded}\n  ours on ${pointers.join(', ')}:\n    ${list(findings)}`);
        });
      }
    });
  }

  test('this machine\'s OpenSSL 3.0 gives the recorded 3.0 verdicts on the files made here (they are the same in kind)', (t) => {
    const printed = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout ?? '';
    const tag = Object.keys(recorded.openssl).find((v) => v.startsWith('3.'));
    if (!tag || !/^OpenSSL 3\.0\./.test(printed)) {
      t.skip(`the system openssl is ${printed.trim() || 'missing'}; the recording's stand-in is ${tag}`);
      return;
    }
    const config = join(work, 'empty.cnf');
    writeFileSync(config, '');
    const strip = (v: Verdict): Verdict => JSON.parse(JSON.stringify(v, (key, value: unknown) => (['why', 'publicKeyWhy'].includes(key) ? undefined : value))) as Verdict;
    for (const [name, { verdicts }] of Object.entries(recorded.cases)) {
      assert.deepEqual(strip(cases.judgeWith('openssl', made[name]!, { now: NOW, config })), strip(verdicts[tag]!), name);
    }
  });

  test('every warning WARNING_SUFFICES allows is still needed by some case', () => {
    assert.deepEqual(WARNING_SUFFICES.filter((w) => !relaxationsUsed.has(w)).map((w) => w.code), []);
  });

  test('the disagreements, all together', (t) => {
    if (found.length) for (const line of ['case | release (OpenSSL) | recorded | ours | why', ...found]) t.diagnostic(line);
    assert.deepEqual(found, [], `${found.length} disagreement(s) with the recorded OpenSSL verdicts:\n${found.join('\n')}`);
  });
});
