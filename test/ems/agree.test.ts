// The checker against the real EMS: every case in cases.ts was run by EMS 5.3.4 (record.mjs, never in CI) and
// its verdict recorded in recorded.json. Each rule below turns one part of a verdict into what the checker,
// targeting 5.3.4, must then say — or must not. Where a rule has exceptions, they are listed beside it with why.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService, type CheckResult, type Finding } from '../../server/src/service';
import { PKI_DIR } from '../helpers/pki';
import { REPO_ROOT } from '../helpers/repo';
import { EMS_CASES } from './cases';

interface Verdict {
  parsed: boolean;
  usedBooted: boolean;
  outcome: 'ran' | 'exited' | 'crashed';
  exitCode: number | null;
  transport: 'tls' | 'plain' | 'none';
  serverCertificate: 'accepted' | 'refused' | null;
  lookedUp: string[];
  found: string[];
  log: string[];
}

const recorded = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'ems', 'recorded.json'), 'utf8')) as { ems: string; recordedAt: string; cases: Record<string, Verdict> };

// Certificates are judged at the instant the EMS judged them: the fixture PKI's dates are fixed.
const service = createEmsService({ fs: nodeFileSystem, now: () => new Date(recorded.recordedAt ?? '2026-12-02T06:00:00Z') });
const SETTINGS = { emsVersion: '5.3.4', homeDirectory: '', expiryWarningDays: 30, severity: {} };

/** The codes that say "the EMS cannot parse this file". */
const UNPARSABLE = new Set(['json-syntax', 'json-comment', 'json-trailing-comma', 'top-level-not-object']);
/** The codes that say the platform certificate is accepted without proper validation. */
const DOWNGRADES = new Set(['validation-disabled', 'self-signed-allowed']);
/** Keys read by code paths that do not log a look-up (their error messages show they are read). */
const READ_WITHOUT_LOOKUP = /^(ws_servers|certificates\.cert_chain|certificates\.validation_criteria|auto_bind|file\.virtual_dirs)(\.|$)/;

/**
 * Errors on files the EMS parsed and ran with: allowed only where the EMS silently does something other than
 * what is written, or cannot set up the connection — each with why (docs/diagnostics.md, "Severities").
 */
const ERRORS_WHILE_RUNNING: Record<string, { codes: string[]; why: string }> = {
  'backslash-windows-path': { codes: ['json-invalid-escape'], why: 'the EMS reads "C:certsca.pem", not the path written' },
  'ws-server-port-fraction': { codes: ['wrong-type'], why: 'the EMS drops the fraction and connects to another port' },
  'encryption-boolean-false': { codes: ['wrong-type'], why: 'false is ignored: the connection uses TLS' },
  'cert-validate-false-string': { codes: ['wrong-type'], why: 'the string is ignored: validation stays on' },
  'cert-allow-self-signed-string': { codes: ['wrong-type'], why: 'the string is ignored: the self-signed certificate is refused' },
  'cert-chain-string': { codes: ['unsupported-in-version'], why: '5.3.4 rejects a string cert_chain and then trusts nothing' },
  'cert-chain-missing-file': { codes: ['file-not-found'], why: 'no CA is loaded: every server certificate is refused' },
  'cert-chain-expired': { codes: ['cert-expired', 'ca-list-no-root'], why: 'the only trusted certificate is an expired leaf: the EMS stalls in certificate checking and never connects' },
  'cert-chain-intermediate': { codes: ['ca-list-no-root'], why: 'no root to chain up to: the server certificate is refused (OpenSSL agrees)' },
  'cert-chain-leaf': { codes: ['ca-list-no-root'], why: 'a listed leaf is no trust anchor: the EMS stalls in certificate checking and never connects (OpenSSL refuses it)' },
  'http-server-port-70000': { codes: ['invalid-value'], why: 'no REST server can listen on port 70000' },
  'logger-level-lowercase': { codes: ['invalid-value'], why: '"trace" is not applied' },
  'appkey-encrypted': { codes: ['encrypted-value-malformed'], why: 'the EMS cannot decrypt the appKey ("aes_decrypt: Invalid Padding Size"), so it cannot authenticate' },
  'appkey-empty': { codes: ['invalid-value'], why: 'an empty appKey cannot authenticate' },
  'resource-number': { codes: ['wrong-type'], why: 'a number is not read as the resource path' },
  'msg-timeout-string': { codes: ['wrong-type'], why: 'a string is not read as the timeout' },
};

/**
 * Refusals of the PKI's server certificate the config alone cannot show, with why: the names in
 * validation_criteria are compared with the certificate the platform presents, which only a connection test
 * sees (issue 15).
 */
const NAME_CHECKS: Record<string, string> = {
  'cert-validation-criteria-cn-mismatch': "Cert_Common_Name differs from the presented certificate's CN",
};

/**
 * Errors every case may carry, with why. Most TLS cases leave cert_chain out to probe one other thing; without
 * it 5.3.4 refuses every server certificate (cases cert-validate-true-no-chain, cert-no-group-self-signed,
 * cert-no-group-pki), so the device would not connect although the process runs.
 */
const ALWAYS_JUSTIFIED = new Set(['no-trusted-ca']);

/** Cases whose plain/TLS verdict the checker cannot see, with why (none today). */
const TRANSPORT_EXCEPTIONS: Record<string, string> = {};

function configText(text: string): string {
  return text.split('{{PORT}}').join('8443').split('{{PKI}}').join(PKI_DIR);
}

async function checkCase(text: string): Promise<CheckResult> {
  return service.check({ text: configText(text), path: join(REPO_ROOT, 'test', 'ems', 'case', 'etc', 'config.json'), settings: SETTINGS });
}

const list = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.code} ${f.pointer}: ${f.message}`).join('\n');

/** The keys a config sets, as "group.key" (top level: "key"), lower-case like the EMS's look-ups. */
function keysSet(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(configText(text));
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const keys: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    keys.push(key.toLowerCase());
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) keys.push(`${key}.${inner}`.toLowerCase());
    }
  }
  return keys;
}

describe(`the checker agrees with EMS ${recorded.ems}`, () => {
  test('every case was recorded, and nothing else', () => {
    assert.deepEqual(Object.keys(recorded.cases).sort(), EMS_CASES.map((c) => c.name).sort());
    assert.ok(EMS_CASES.length >= 60, `${EMS_CASES.length} cases`);
  });

  for (const emsCase of EMS_CASES) {
    const verdict = recorded.cases[emsCase.name];
    if (!verdict) continue; // the test above names it
    describe(`${emsCase.name}: ${emsCase.about}`, () => {
      test(verdict.parsed ? 'parsed: no finding says it cannot be' : 'not parsed: an error says so, once', async () => {
        const { findings } = await checkCase(emsCase.config);
        const unparsable = findings.filter((f) => UNPARSABLE.has(f.code));
        if (verdict.parsed) {
          assert.deepEqual(unparsable.map((f) => f.code), [], list(findings));
        } else {
          assert.ok(unparsable.some((f) => f.severity === 'error'), list(findings));
          assert.equal(findings.filter((f) => f.message.includes('Error parsing JSON.')).length, 1, list(findings));
        }
      });

      if (verdict.parsed && verdict.outcome !== 'ran') {
        test(`${verdict.outcome} at start: an error says why`, async () => {
          const { findings } = await checkCase(emsCase.config);
          assert.ok(findings.some((f) => f.severity === 'error'), list(findings));
        });
      }

      if (verdict.parsed && verdict.outcome === 'ran') {
        const allowed = ERRORS_WHILE_RUNNING[emsCase.name];
        test(allowed ? `ran, but not as written: ${allowed.why}` : 'ran as written: no error', async () => {
          const { findings } = await checkCase(emsCase.config);
          const errors = [...new Set(findings.filter((f) => f.severity === 'error' && !ALWAYS_JUSTIFIED.has(f.code)).map((f) => f.code))].sort();
          assert.deepEqual(errors, [...(allowed?.codes ?? [])].sort(), list(findings));
        });
      }

      if (verdict.parsed && verdict.transport !== 'none' && !TRANSPORT_EXCEPTIONS[emsCase.name]) {
        test(verdict.transport === 'plain' ? 'plain WebSocket: ws-encryption-disabled' : 'TLS: no ws-encryption-disabled', async () => {
          const { findings } = await checkCase(emsCase.config);
          assert.equal(findings.some((f) => f.code === 'ws-encryption-disabled'), verdict.transport === 'plain', list(findings));
        });
      }

      if (verdict.parsed && emsCase.listener === 'tls-self-signed' && verdict.serverCertificate) {
        test(`a self-signed server certificate ${verdict.serverCertificate}: ${verdict.serverCertificate === 'accepted' ? 'a downgrade warning' : 'no downgrade warning'}`, async () => {
          const { findings } = await checkCase(emsCase.config);
          assert.equal(findings.some((f) => DOWNGRADES.has(f.code) && f.severity === 'warning'), verdict.serverCertificate === 'accepted', list(findings));
        });
      }

      if (verdict.parsed && emsCase.listener === 'tls-pki' && verdict.serverCertificate && !NAME_CHECKS[emsCase.name]) {
        test(`the PKI's server certificate ${verdict.serverCertificate}: ${verdict.serverCertificate === 'accepted' ? 'no error' : 'an error says why'}`, async () => {
          const { findings } = await checkCase(emsCase.config);
          assert.equal(findings.some((f) => f.severity === 'error'), verdict.serverCertificate === 'refused', list(findings));
        });
      }

      // Only a run that went on with TRACE logging shows every look-up (one that exits stops looking early).
      if (verdict.parsed && verdict.outcome === 'ran' && verdict.lookedUp.includes('appkey')) {
        test('keys: those the EMS looks up are not called unread; those it never looks up are', async () => {
          const { findings } = await checkCase(emsCase.config);
          // "cert_chain as a string is read from 5.4.0" is about a form of the value, not the key.
          const unread = new Set(findings.filter((f) => ['unknown-property', 'unsupported-in-version', 'removed-property'].includes(f.code) && !/^\S+ as an? /.test(f.message))
            .map((f) => f.pointer.slice(1).split('/').slice(0, 2).join('.').toLowerCase()));
          const lookedUp = new Set(verdict.lookedUp);
          for (const key of keysSet(emsCase.config)) {
            const isGroup = !key.includes('.') && verdict.lookedUp.some((k) => k.startsWith(`${key}.`));
            if (lookedUp.has(key) || isGroup || READ_WITHOUT_LOOKUP.test(key)) {
              assert.ok(!unread.has(key), `${key} is read by the EMS, yet:\n${list(findings)}`);
            } else {
              assert.ok(unread.has(key) || [...unread].some((u) => key.startsWith(`${u}.`)), `${key} is never looked up, yet nothing says so:\n${list(findings)}`);
            }
          }
        });
      }
    });
  }
});
