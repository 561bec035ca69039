// The "never deaf" figure (issue 13): how long the language server takes to answer a request while it checks
// slow files. A config names two PKCS#12 keys whose MAC asks for about 1,000,000 iterations (the per-step bound,
// pki/kdf.ts), about 0.85 s each of the PKCS#12 KDF (one native hash call an iteration); a documentSymbol
// request goes out every 20 ms until the diagnostics arrive.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { DocumentSymbolRequest } from 'vscode-languageserver-protocol/node';
import { REPO } from './common';
import { EDITOR_CAPABILITIES, spawnServer } from './lsp';

/** The test PKI (test/fixtures/make-pki.mjs), made in tmp when the tests have not made it. */
export function testPkiDir(tmp: string): string {
  const made = join(REPO, 'test', 'fixtures', 'pki', 'out');
  if (existsSync(join(made, 'server.p12'))) return made;
  const dir = join(tmp, 'pki');
  execFileSync(process.execPath, [join(REPO, 'test', 'fixtures', 'make-pki.mjs'), dir], { stdio: 'ignore' });
  return dir;
}

export interface LatencyFigure {
  /** From didOpen to the published diagnostics. */
  checkMs: number;
  /** Requests answered during the check. */
  requests: number;
  worstMs: number;
  medianMs: number;
}

function slowPkcs12(pkiDir: string, folder: string, name: string, iterations: number): string {
  const root = forge.asn1.fromDer(readFileSync(join(pkiDir, 'server.p12')).toString('binary'));
  const macData = root.value[2] as forge.asn1.Asn1;
  (macData.value as forge.asn1.Asn1[])[2] = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, forge.asn1.integerToDer(iterations).getBytes());
  const file = join(folder, name);
  writeFileSync(file, Buffer.from(forge.asn1.toDer(root).getBytes(), 'binary'));
  return file;
}

/** One run: a fresh server, the slow config opened, requests every 20 ms until it publishes. */
export async function requestLatencyDuringCheck(serverJs: string, pkiDir: string, run: number): Promise<LatencyFigure> {
  const folder = mkdtempSync(join(os.tmpdir(), 'ems-bench-latency-'));
  const client = spawnServer(serverJs, { settings: { emsVersion: '5.5.0' } });
  try {
    const a = slowPkcs12(pkiDir, folder, 'a.p12', 1_000_000 - run);
    const b = slowPkcs12(pkiDir, folder, 'b.p12', 999_000 - run);
    const text = JSON.stringify({
      ws_servers: [{ host: 'twx.example.com', port: 443 }], appKey: 'AES:wPUJ0SYov0r6yH+BDMbeMA==',
      certificates: { cert_chain: join(pkiDir, 'ca-list.pem'), client_cert: a, key_file: a, key_passphrase: 'test-passphrase' },
      http_server: { host: '127.0.0.1', ssl: true, certificate: b, private_key: b, passphrase: 'test-passphrase', authenticate: false },
    }, null, 2);
    const uri = pathToFileURL(join(folder, 'etc', 'config.json')).href;
    await client.initialize(EDITOR_CAPABILITIES);
    const opened = performance.now();
    let done = false;
    const published = client.diagnostics(uri).then((d) => { done = true; return d.at - opened; });
    await client.open(uri, text);
    const latencies: number[] = [];
    while (!done) {
      const sent = performance.now();
      await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
      latencies.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const sorted = [...latencies].sort((x, y) => x - y);
    return { checkMs: await published, requests: latencies.length, worstMs: sorted.at(-1) ?? 0, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0 };
  } finally {
    await client.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
