// util/text.ts: the one way messages, hovers, completion details, the report and the status item say words
// and dates. Day counts above all: every surface floors whole days the same way, so at one instant they agree.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as path from 'node:path';
import { nodeFileSystem } from '../../server/src/node/fileSystem';
import { createEmsService } from '../../server/src/service';
import { article, capitalize, clip, isoDate, quote, relativeDays, wholeDays } from '../../server/src/util/text';
import { DAY, NOW, PKI_DIR } from '../helpers/pki';
import { config, SETTINGS } from '../helpers/service';

const at = (days: number) => new Date(NOW.getTime() + days * DAY);

describe('util/text', () => {
  test('relative days: whole days floored, either way, singular for one, today under a day', () => {
    assert.equal(relativeDays(at(19.99), NOW), 'in 19 days');
    assert.equal(relativeDays(at(20), NOW), 'in 20 days');
    assert.equal(relativeDays(at(1), NOW), 'in 1 day');
    assert.equal(relativeDays(at(0.5), NOW), 'today');
    assert.equal(relativeDays(at(-0.5), NOW), 'today');
    assert.equal(relativeDays(at(-1.5), NOW), '1 day ago');
    assert.equal(relativeDays(at(-92), NOW), '92 days ago');
    // An old certificate is counted in days like any other, never "8 years ago" in one place and days in another.
    assert.equal(relativeDays(at(-3135.2), NOW), '3135 days ago');
    assert.equal(relativeDays(at(3135), NOW), 'in 3135 days');
    assert.equal(wholeDays(at(-19.99), NOW), 19);
    assert.equal(wholeDays(NOW, at(19.99)), 19);
  });

  test('ISO dates in UTC', () => {
    assert.equal(isoDate(new Date('2026-03-01T23:59:59.999Z')), '2026-03-01');
  });

  test('articles and capitals', () => {
    assert.equal(article('object'), 'an object');
    assert.equal(article('integer'), 'an integer');
    assert.equal(article('whole number'), 'a whole number');
    assert.equal(capitalize('removed in EMS 5.4.5'), 'Removed in EMS 5.4.5');
    assert.equal(capitalize('**removed in EMS 5.4.5**'), '**Removed in EMS 5.4.5**');
    assert.equal(capitalize('5.4.8 reads it'), '5.4.8 reads it');
  });

  test('untrusted text becomes one clipped line; quoted, it is clipped too', () => {
    assert.equal(clip('a\nb\u0007c', 10), 'a b c');
    assert.equal(clip('abcdefghij', 5), 'abcd…');
    assert.equal(clip('abcde', 5), 'abcde');
    assert.equal(quote('EMS Config Test Root CA'), '"EMS Config Test Root CA"');
    assert.equal(quote('x'.repeat(500)).length, 160 + 2);
  });
});

describe('the status item, hovers and diagnostics count days alike', () => {
  test('status: the nearest expiry is worded by the server, as the diagnostic and the hover of the same check', async () => {
    // Half a day on: a count rounded anywhere would say 14 here and 13 there.
    const now = new Date(NOW.getTime() + DAY / 2);
    const service = createEmsService({ fs: nodeFileSystem, now: () => now });
    const text = config({ certificates: { cert_chain: path.join(PKI_DIR, 'expiring-soon.pem') } });
    const result = await service.check({ text, settings: SETTINGS });
    const soon = result.findings.find((f) => f.code === 'cert-expiring-soon');
    assert.ok(soon, 'expiring-soon.pem is expiring soon');
    assert.match(soon.message, / expires on 2026-06-15 \(in 13 days\)\.$/);
    assert.equal(service.status(result).nearestExpiry?.when, 'expires in 13 days');
    const offset = text.indexOf('expiring-soon.pem');
    const line = text.slice(0, offset).split('\n').length - 1;
    const character = offset - text.lastIndexOf('\n', offset) - 1;
    assert.match(service.hover(result, { line, character })?.contents ?? '', /2026-06-15 — expires in 13 days/);
  });
});
