// Hostile configs get the findings a plain one would, with work that grows with the input, not its square;
// and keys that happen to name Object's own members are keys like any other.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE, check, hoverOn, memoryService } from '../helpers/service';

describe('bounded work and own keys', () => {
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    test(`"${key}" is an unknown key, not Object's`, async () => {
      const text = `{"ws_servers":[{"host":"twx.example.com","port":443}],"appKey":"${BASE.appKey}","${key}":1}`;
      const findings = await check(text);
      assert.deepEqual(findings.map((f) => f.code), ['unknown-property']);
      const { check: checkInMemory } = memoryService();
      const hover = hoverOn(await checkInMemory(text), `"${key}"`);
      assert.doesNotMatch(hover, /any value/);
    });
  }

  test('10,000 unknown keys: one finding each, each with its fix, the nearest known key still suggested', async () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `"custom_${i}":${i}`);
    const text = `{"ws_servers":[{"host":"twx.example.com","port":443}],"appKey":"${BASE.appKey}","resourse":"/Thingworx/WS",${keys.join(',')}}`;
    const findings = await check(text);
    assert.equal(findings.filter((f) => f.code === 'unknown-property').length, 10_001);
    const typo = findings.find((f) => f.pointer === '/resourse')!;
    assert.deepEqual(typo.data?.fixes?.map((fix) => fix.title), ['Change to "resource"', 'Remove "resourse"']);
    // The removal of the last key takes the comma before it: the edit starts where the previous property ends.
    const last = findings.find((f) => f.pointer === '/custom_9999')!;
    const removal = last.data!.fixes!.at(-1)!.edits[0]!;
    assert.equal(removal.range.start.character, text.indexOf('"custom_9999"') - 1);
  });
});
