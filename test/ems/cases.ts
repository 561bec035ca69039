// The configs the real EMS 5.3.4 binary was run against (test/ems/record.mjs) and what each one asks.
// The recorded answers are in test/ems/recorded.json; CI reads that file only, it never runs the EMS.
// Each case changes one thing against a small base config, so each verdict can be put down to that one thing.

export interface EmsCase {
  /** Unique, kebab-case. */
  readonly name: string;
  /** One line: what the case probes. */
  readonly about: string;
  /** The config.json text as written to disk. Placeholders: {{PORT}} the listener's port on 127.0.0.1, {{PKI}} the absolute folder of the test PKI (test/fixtures/pki/out, made by `node test/fixtures/make-pki.mjs test/fixtures/pki/out`; files like root-ca.pem, intermediate-ca.pem, ca-list.pem, server.pem, server-key.pem, server-chain.pem, expired.pem). */
  readonly config: string;
  /** What answers on 127.0.0.1:{{PORT}}: a plain TCP listener that records the first bytes, a TLS server with a self-signed certificate, or a TLS server presenting server-chain.pem/server-key.pem from the PKI (issued by intermediate-ca, under root-ca); or one of the connection-test listeners (ConnectListener). Default 'plain'. */
  readonly listener?: 'plain' | 'tls-self-signed' | 'tls-pki' | ConnectListener;
  /** Also write config.json.booted with this text beside config.json (default: no .booted file). */
  readonly booted?: string;
}

/**
 * The listeners of the connection-test cases (`connect-*`), judged by test/ems/connect-agree.test.ts: what a
 * connection test sees and a look at the config alone cannot. Each presents (key: server-key.pem unless said):
 * - `connect-chain`: server-chain.pem (leaf + intermediate), like tls-pki;
 * - `connect-leaf-only`: server.pem alone (no intermediate);
 * - `connect-wrong-host`: wrong-host.pem (SAN platform.example.com only) + intermediate-ca.pem;
 * - `connect-expired`: expired.pem + intermediate-ca.pem;
 * - `connect-self-signed-rsa` / `connect-self-signed-rsa-expired`: an RSA 2048 certificate, self-signed for
 *   127.0.0.1, made by the recorder at run time, valid now / expired a day ago (same generator, same key);
 * - `connect-self-signed-ec`: self-signed.pem + self-signed-key.pem (EC P-256) from the PKI;
 * - `connect-client-auth`: server-chain.pem, asking for a client certificate verified against client-ca.pem;
 * - `connect-client-auth-pki`: server-chain.pem, asking for a client certificate verified against root-ca.pem
 *   + intermediate-ca.pem (so server.pem, an RSA leaf with the clientAuth usage, serves as the client's).
 * A listener asking for a client certificate never refuses one: it records what it got and whether it verified.
 */
export type ConnectListener =
  | 'connect-chain'
  | 'connect-leaf-only'
  | 'connect-wrong-host'
  | 'connect-expired'
  | 'connect-self-signed-rsa'
  | 'connect-self-signed-rsa-expired'
  | 'connect-self-signed-ec'
  | 'connect-client-auth'
  | 'connect-client-auth-pki';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type Group = { readonly [key: string]: Json };

/** Stands for the unquoted `{{PORT}}` placeholder in objects passed to `json`. */
const PORT = '\u0000PORT\u0000';
const APP_KEY = '00000000-0000-0000-0000-000000000000';
const SERVER: Group = { host: '127.0.0.1', port: PORT };

/** Pretty JSON text, with PORT written as the bare `{{PORT}}` placeholder (a number once replaced). */
function json(value: Json): string {
  return `${JSON.stringify(value, null, 2).split(JSON.stringify(PORT)).join('{{PORT}}')}\n`;
}

/** The base config: one server on the listener, plain WebSocket, TRACE logging. */
function base(extra: Group = {}, wsConnection: Group = {}): Group {
  return {
    ws_servers: [SERVER],
    appKey: APP_KEY,
    ws_connection: { encryption: 'none', ...wsConnection },
    logger: { level: 'TRACE' },
    ...extra,
  };
}

/** Plain WebSocket, with one more group or key. */
function plain(extra: Group = {}, wsConnection: Group = {}): string {
  return json(base(extra, wsConnection));
}

/** TLS to the listener, with this certificates group (undefined: no certificates group at all). */
function tls(certificates: Group | undefined, extra: Group = {}): string {
  const config: Group = { ...base(extra, { encryption: 'ssl' }), ...(certificates ? { certificates } : {}) };
  return json(config);
}

/** The base config with ws_connection.encryption set to this value (undefined: key left out). */
function encryption(value: Json | undefined): string {
  const config = base();
  return json({ ...config, ws_connection: value === undefined ? {} : { encryption: value } });
}

/** The base config as text, its `"encryption": "none"` line replaced (for texts JSON.stringify cannot write). */
function editedBase(find: string, replace: string): string {
  const text = plain();
  if (!text.includes(find)) throw new Error(`base config has no ${find}`);
  return text.replace(find, replace);
}

const ENCRYPTION_LINE = '"encryption": "none"';
const ROOT_CA = '{{PKI}}/root-ca.pem';

export const EMS_CASES: readonly EmsCase[] = [
  // ---- Loading the file -------------------------------------------------------------------------------------
  {
    name: 'valid-minimal',
    about: 'Does a minimal valid config with encryption "none" load and connect with a plain WebSocket?',
    config: plain(),
  },
  {
    name: 'comment-line',
    about: 'Does a // comment make config.json unreadable?',
    config: editedBase('"logger"', '// logging\n  "logger"'),
  },
  {
    name: 'comment-block',
    about: 'Does a /* */ comment make config.json unreadable?',
    config: editedBase('"logger"', '/* logging */\n  "logger"'),
  },
  {
    name: 'trailing-comma-object',
    about: 'Does a trailing comma after the last member of an object make config.json unreadable?',
    config: editedBase('"level": "TRACE"', '"level": "TRACE",'),
  },
  {
    name: 'trailing-comma-array',
    about: 'Does a trailing comma after the last element of an array (ws_servers) make config.json unreadable?',
    config: `{
  "ws_servers": [{"host": "127.0.0.1", "port": {{PORT}}},],
  "appKey": "${APP_KEY}",
  "ws_connection": {"encryption": "none"},
  "logger": {"level": "TRACE"}
}
`,
  },
  {
    name: 'utf8-bom',
    about: 'Does a UTF-8 byte order mark before the opening brace make config.json unreadable?',
    config: `\uFEFF${plain()}`,
  },
  {
    name: 'typographic-quotes',
    about: 'Does a value in typographic quotes (“none”) make config.json unreadable?',
    config: editedBase(ENCRYPTION_LINE, '"encryption": “none”'),
  },
  {
    name: 'single-quotes',
    about: "Does a value in single quotes ('none') make config.json unreadable?",
    config: editedBase(ENCRYPTION_LINE, "\"encryption\": 'none'"),
  },
  {
    name: 'top-level-array',
    about: 'Is a config whose top level is an array (holding a valid object) refused?',
    config: `[\n${plain().trimEnd()}\n]\n`,
  },
  {
    name: 'empty-file',
    about: 'What does the EMS do with an empty config.json?',
    config: '',
  },
  {
    name: 'parse-error-with-booted',
    about: 'With config.json unreadable (trailing comma) and a valid config.json.booted beside it, does the EMS run on the .booted file?',
    config: editedBase('"level": "TRACE"', '"level": "TRACE",'),
    booted: plain(),
  },
  {
    name: 'backslash-windows-path',
    about: 'Does a single-backslash Windows path ("C:\\certs\\ca.pem", escapes JSON forbids) in cert_chain stop the rest of the file from applying?',
    config: editedBase(ENCRYPTION_LINE, `${ENCRYPTION_LINE} },\n  "certificates": { "cert_chain": ["C:\\certs\\ca.pem"]`),
  },
  {
    name: 'backslash-tab-publish-directory',
    about: 'Does a "\\t" escape inside logger.publish_directory ("/tmp/a\\tb") load, and is the key found?',
    config: editedBase('"level": "TRACE"', '"level": "TRACE", "publish_directory": "/tmp/a\\tb"'),
  },
  {
    name: 'backslash-doubled',
    about: 'Does a Windows path with doubled backslashes ("C:\\\\certs\\\\ca.pem") in cert_chain load like any valid JSON?',
    config: editedBase(ENCRYPTION_LINE, `${ENCRYPTION_LINE} },\n  "certificates": { "cert_chain": ["C:\\\\certs\\\\ca.pem"]`),
  },
  {
    name: 'key-case-appkey',
    about: 'Is "APPKEY" (upper case) found when the EMS looks up appkey?',
    config: json({ ws_servers: [SERVER], APPKEY: APP_KEY, ws_connection: { encryption: 'none' }, logger: { level: 'TRACE' } }),
  },
  {
    name: 'key-case-ws-servers',
    about: 'Is "WS_Servers" (mixed case) read as ws_servers (does the EMS connect to the listener)?',
    config: json({ WS_Servers: [SERVER], appKey: APP_KEY, ws_connection: { encryption: 'none' }, logger: { level: 'TRACE' } }),
  },
  {
    name: 'key-case-encryption',
    about: 'Is "Encryption": "none" (capitalised key) applied, i.e. plain WebSocket instead of the TLS default?',
    config: editedBase(ENCRYPTION_LINE, '"Encryption": "none"'),
  },
  {
    name: 'duplicate-key-none-then-ssl',
    about: 'With "encryption" given twice, "none" then "ssl", which one wins (transport tells)?',
    config: editedBase(ENCRYPTION_LINE, '"encryption": "none", "encryption": "ssl"'),
  },
  {
    name: 'duplicate-key-ssl-then-none',
    about: 'With "encryption" given twice, "ssl" then "none", which one wins (transport tells)?',
    config: editedBase(ENCRYPTION_LINE, '"encryption": "ssl", "encryption": "none"'),
  },

  // ---- ws_servers --------------------------------------------------------------------------------------------
  {
    name: 'ws-server-port-string',
    about: 'Is a ws_servers port written as a string ("{{PORT}}") accepted?',
    config: json({ ...base(), ws_servers: [{ host: '127.0.0.1', port: '{{PORT}}' }] }),
  },
  {
    name: 'ws-server-port-fraction',
    about: 'Is a fractional ws_servers port ({{PORT}}.5) accepted, and which port does the EMS connect to (the listener is on {{PORT}})?',
    config: plain().replace('"port": {{PORT}}', '"port": {{PORT}}.5'),
  },
  {
    name: 'ws-server-no-host',
    about: 'What does the EMS do with a ws_servers entry that has no host?',
    config: json({ ...base(), ws_servers: [{ port: PORT }] }),
  },
  {
    name: 'ws-servers-empty',
    about: 'What does the EMS do with an empty ws_servers array?',
    config: json({ ...base(), ws_servers: [] }),
  },
  {
    name: 'ws-servers-missing',
    about: 'What does the EMS do with no ws_servers key at all?',
    config: json({ appKey: APP_KEY, ws_connection: { encryption: 'none' }, logger: { level: 'TRACE' } }),
  },
  {
    name: 'ws-servers-failover',
    about: 'With two ws_servers, the first on a port nothing listens on (1) and the second on the listener, does 5.3.4 fail over to the second (connect_retry_interval 500 so a retry fits the run)?',
    config: json({
      ...base({}, { connect_retry_interval: 500 }),
      ws_servers: [{ host: '127.0.0.1', port: 1 }, SERVER],
    }),
  },

  {
    name: 'ws-servers-second-dead',
    about: 'With two ws_servers, the first on the listener and the second on a port nothing listens on (1), does 5.3.4 use the first entry or the last?',
    config: json({
      ...base({}, { connect_retry_interval: 500 }),
      ws_servers: [SERVER, { host: '127.0.0.1', port: 1 }],
    }),
  },
  {
    name: 'ws-server-port-65536',
    about: 'Is ws_servers port 65536 (one above the range) refused, or wrapped to 16 bits (0)?',
    config: json({ ...base(), ws_servers: [{ host: '127.0.0.1', port: 65536 }] }),
  },

  // ---- ws_connection.encryption ------------------------------------------------------------------------------
  {
    name: 'encryption-none-upper',
    about: 'Does encryption "NONE" turn TLS off (case-insensitive comparison)?',
    config: encryption('NONE'),
  },
  {
    name: 'encryption-none-title',
    about: 'Does encryption "None" turn TLS off?',
    config: encryption('None'),
  },
  {
    name: 'encryption-none-trailing-blank',
    about: 'Does encryption "none " (trailing blank) turn TLS off, or does it mean TLS?',
    config: encryption('none '),
  },
  {
    name: 'encryption-ssl',
    about: 'Does encryption "ssl" send a TLS ClientHello?',
    config: encryption('ssl'),
  },
  {
    name: 'encryption-ssl-upper',
    about: 'Does encryption "SSL" mean TLS?',
    config: encryption('SSL'),
  },
  {
    name: 'encryption-tls',
    about: 'Does encryption "tls" (not a documented value) mean TLS?',
    config: encryption('tls'),
  },
  {
    name: 'encryption-fips',
    about: 'What does encryption "fips" do in this non-FIPS build?',
    config: encryption('fips'),
  },
  {
    name: 'encryption-empty',
    about: 'Does encryption "" (empty string) mean TLS or none?',
    config: encryption(''),
  },
  {
    name: 'encryption-missing',
    about: 'Without ws_connection.encryption, does the EMS default to TLS?',
    config: encryption(undefined),
  },
  {
    name: 'encryption-boolean-false',
    about: 'Does encryption false (a boolean, not a string) turn TLS off?',
    config: encryption(false),
  },

  // ---- certificates: self-signed server certificate ----------------------------------------------------------
  {
    name: 'cert-validate-false',
    about: 'With certificates.validate false, is a self-signed server certificate accepted?',
    listener: 'tls-self-signed',
    config: tls({ validate: false }),
  },
  {
    name: 'cert-validate-false-string',
    about: 'Is validate "false" (a string) read as false, so that a self-signed certificate is accepted?',
    listener: 'tls-self-signed',
    config: tls({ validate: 'false' }),
  },
  {
    name: 'cert-validate-key-case',
    about: 'Is "Validate": false (capitalised key) applied, so that a self-signed certificate is accepted?',
    listener: 'tls-self-signed',
    config: tls({ Validate: false }),
  },
  {
    name: 'cert-allow-self-signed',
    about: 'With allow_self_signed true (validate left at its default), is a self-signed certificate accepted?',
    listener: 'tls-self-signed',
    config: tls({ allow_self_signed: true }),
  },
  {
    name: 'cert-allow-self-signed-string',
    about: 'Is allow_self_signed "true" (a string, as in PTC\'s "Medium security" example) applied to a self-signed certificate?',
    listener: 'tls-self-signed',
    config: tls({ allow_self_signed: 'true' }),
  },
  {
    name: 'cert-deny-self-signed-false',
    about: 'With validate true and deny_self_signed false, is a self-signed certificate accepted?',
    listener: 'tls-self-signed',
    config: tls({ validate: true, deny_self_signed: false }),
  },
  {
    name: 'cert-deny-and-allow-self-signed',
    about: 'With deny_self_signed true and allow_self_signed true, which one wins for a self-signed certificate?',
    listener: 'tls-self-signed',
    config: tls({ deny_self_signed: true, allow_self_signed: true }),
  },
  {
    name: 'cert-validate-true-no-chain',
    about: 'With validate true and no cert_chain, is a self-signed certificate refused?',
    listener: 'tls-self-signed',
    config: tls({ validate: true }),
  },
  {
    name: 'cert-no-group-self-signed',
    about: 'With no certificates group at all, is a self-signed certificate refused (validation on by default)?',
    listener: 'tls-self-signed',
    config: tls(undefined),
  },

  // ---- certificates: a server certificate from the test PKI --------------------------------------------------
  {
    name: 'cert-no-group-pki',
    about: 'With no certificates group, is a CA-issued server certificate (leaf + intermediate) refused for want of a trusted root?',
    listener: 'tls-pki',
    config: tls(undefined),
  },
  {
    name: 'cert-chain-root',
    about: 'With cert_chain ["root-ca.pem"], is the PKI server certificate (leaf + intermediate) accepted?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/root-ca.pem'] }),
  },
  {
    name: 'cert-chain-intermediate',
    about: 'With cert_chain ["intermediate-ca.pem"] (the issuing CA, not the root), is the PKI server certificate accepted?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/intermediate-ca.pem'] }),
  },
  {
    name: 'cert-chain-ca-list',
    about: 'With cert_chain ["ca-list.pem"] (an EC P-256 CA followed by the RSA root in one file), is the PKI server certificate accepted?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/ca-list.pem'] }),
  },
  {
    name: 'cert-chain-string',
    about: 'Is cert_chain given as a string ("root-ca.pem", not an array) refused, and is the PKI server certificate then accepted?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: '{{PKI}}/root-ca.pem' }),
  },
  {
    name: 'cert-chain-missing-file',
    about: 'What does the EMS do when cert_chain names a file that does not exist?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/no-such-file.pem'] }),
  },
  {
    name: 'cert-chain-expired',
    about: 'What does the EMS do when cert_chain names an expired certificate (expired.pem, a leaf)?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/expired.pem'] }),
  },
  {
    name: 'cert-chain-leaf',
    about: 'With cert_chain ["server.pem"] (the server leaf itself, not a CA), is the PKI server certificate accepted?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/server.pem'] }),
  },
  {
    name: 'cert-disable-hostname-validation',
    about: 'Is certificates.disable_hostname_validation looked up by 5.3.4 (with a trusted root, so the connection is otherwise accepted)?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/root-ca.pem'], disable_hostname_validation: true }),
  },
  {
    name: 'cert-validation-criteria-string',
    about: 'What does the EMS do with validation_criteria given as a string instead of an object?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/root-ca.pem'], validation_criteria: 'EMS Config Test Server' }),
  },
  {
    name: 'cert-validation-criteria-cn-mismatch',
    about: 'With validation_criteria.Cert_Common_Name not matching the server certificate, is a certificate that chains to the trusted root refused?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/root-ca.pem'], validation_criteria: { Cert_Common_Name: 'not-the-server' } }),
  },
  {
    name: 'cert-validation-criteria-cn-match',
    about: 'With validation_criteria.Cert_Common_Name matching the server certificate\'s CN, is it accepted (the control for the mismatch case)?',
    listener: 'tls-pki',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/root-ca.pem'], validation_criteria: { Cert_Common_Name: 'EMS Config Test Server' } }),
  },

  // ---- values ------------------------------------------------------------------------------------------------
  {
    name: 'http-server-port-zero',
    about: 'What does the EMS do with http_server.port 0?',
    config: plain({ http_server: { port: 0 } }),
  },
  {
    name: 'http-server-port-70000',
    about: 'What does the EMS do with http_server.port 70000 (above 65535)?',
    config: plain({ http_server: { port: 70000 } }),
  },
  {
    name: 'msg-timeout-negative',
    about: 'What does the EMS do with ws_connection.msg_timeout -5 (read as an unsigned integer)?',
    config: plain({}, { msg_timeout: -5 }),
  },
  {
    name: 'ping-rate-negative',
    about: 'What does the EMS do with a negative ws_connection.ping_rate (-1000)?',
    config: plain({}, { ping_rate: -1000 }),
  },
  {
    name: 'logger-buffer-size-64',
    about: 'What does the EMS do with logger.buffer_size 64 (below its minimum)?',
    config: json({ ...base(), logger: { level: 'TRACE', buffer_size: 64 } }),
  },
  {
    name: 'logger-level-lowercase',
    about: 'Is logger.level "trace" (lower case) applied like "TRACE" (the recorder always passes -loglevel TRACE too)?',
    config: json({ ...base(), logger: { level: 'trace' } }),
  },
  {
    name: 'logger-level-warn',
    about: 'Does logger.level "WARN" override -loglevel TRACE on the command line (the control for the lower-case case)?',
    config: json({ ...base(), logger: { level: 'WARN' } }),
  },
  {
    name: 'file-idle-timeout',
    about: 'What does the EMS do with file.idle_timeout 5000 and frame_read_timeout left at its default?',
    config: plain({ file: { idle_timeout: 5000 } }),
  },
  {
    name: 'file-idle-timeout-with-frame-read-timeout',
    about: 'What does the EMS do with file.idle_timeout 5000 and ws_connection.frame_read_timeout 10000 set explicitly?',
    config: plain({ file: { idle_timeout: 5000 } }, { frame_read_timeout: 10000 }),
  },
  {
    name: 'message-chunk-size-over-max-frame-size',
    about: 'Does message_chunk_size 65536 with max_frame_size 8192 stop the EMS, and is max_frame_size looked up?',
    config: plain({}, { message_chunk_size: 65536, max_frame_size: 8192 }),
  },
  {
    name: 'max-threads-100',
    about: 'What does the EMS do with ws_connection.max_threads 100?',
    config: plain({}, { max_threads: 100 }),
  },
  {
    name: 'auto-bind-object',
    about: 'What does the EMS do with auto_bind given as an object instead of an array?',
    config: plain({ auto_bind: { name: 'SomeThing' } }),
  },
  {
    name: 'auto-bind-without-name',
    about: 'What does the EMS do with an auto_bind entry that has no name?',
    config: plain({ auto_bind: [{ gateway: false }] }),
  },
  {
    name: 'appkey-encrypted',
    about: 'What does the EMS do with appKey "AES:EncryptedPassword" (an AES: prefix on text that is not a real encrypted value)?',
    config: json({ ...base(), appKey: 'AES:EncryptedPassword' }),
  },
  {
    name: 'appkey-empty',
    about: 'What does the EMS do with appKey "" (empty)?',
    config: json({ ...base(), appKey: '' }),
  },
  {
    name: 'resource-number',
    about: 'What does the EMS do with resource 5 (a number where a string belongs)?',
    config: plain({ resource: 5 }),
  },
  {
    name: 'msg-timeout-string',
    about: 'What does the EMS do with msg_timeout "5000" (a string where a number belongs)?',
    config: plain({}, { msg_timeout: '5000' }),
  },

  // ---- keys 5.3.4 may not read -------------------------------------------------------------------------------
  {
    name: 'connect-on-demand',
    about: 'Is ws_connection.connect_on_demand looked up, and does true keep the EMS from connecting at start-up?',
    config: plain({}, { connect_on_demand: true }),
  },
  {
    name: 'http-server-ports-to-try',
    about: 'Is http_server.ports_to_try looked up by 5.3.4?',
    config: plain({ http_server: { ports_to_try: 10 } }),
  },
  {
    name: 'http-server-max-clients',
    about: 'Is http_server.max_clients looked up by 5.3.4?',
    config: plain({ http_server: { max_clients: 15 } }),
  },
  {
    name: 'fips-group-disabled',
    about: 'Is the fips group ({"enabled": false}) looked up by 5.3.4?',
    config: plain({ fips: { enabled: false } }),
  },
  {
    name: 'http-server-use-default-certificate',
    about: 'Is http_server.use_default_certificate looked up by 5.3.4?',
    config: plain({ http_server: { use_default_certificate: true } }),
  },
  {
    name: 'cert-client-key',
    about: 'Is certificates.client_key (a common mistake for key_file) looked up by 5.3.4?',
    config: plain({ certificates: { client_key: '{{PKI}}/server-key.pem' } }),
  },
  {
    name: 'cert-cipher-suite',
    about: 'Is certificates.cipher_suite looked up by 5.3.4?',
    config: plain({ certificates: { cipher_suite: 'ALL:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!DSS:!RC4:!SEED:!ADH:!IDEA:!SRP' } }),
  },
  {
    name: 'ws-connection-compression',
    about: 'Is ws_connection.compression looked up by 5.3.4?',
    config: plain({}, { compression: false }),
  },
  {
    name: 'http-server-enable-csrf-tokens',
    about: 'Is http_server.enable_csrf_tokens looked up by 5.3.4?',
    config: plain({ http_server: { enable_csrf_tokens: true } }),
  },
  {
    name: 'duty-cycle-group',
    about: 'Is the 5.4.3 duty_cycle group (duty_cycle.duty_cycle, duty_cycle.connect_period) looked up by 5.3.4?',
    config: plain({ duty_cycle: { duty_cycle: 50, connect_period: 10000 } }),
  },
  {
    name: 'ws-connection-duty-cycle',
    about: 'Are ws_connection.duty_cycle and ws_connection.connect_period (the pre-5.4.3 form) found by 5.3.4?',
    config: plain({}, { duty_cycle: 50, connect_period: 10000 }),
  },
  {
    name: 'cert-http-client-ca-certs',
    about: 'Is certificates.http_client_ca_certs (5.4.8) looked up by 5.3.4?',
    config: plain({ certificates: { http_client_ca_certs: '{{PKI}}/root-ca.pem' } }),
  },
  {
    name: 'tunnel-max-concurrent',
    about: 'Is tunnel.max_concurrent looked up by 5.3.4 (tunnel.tick_resolution is)?',
    config: plain({ tunnel: { max_concurrent: 4 } }),
  },
  {
    name: 'offline-msg-store',
    about: 'Are offline_msg_store.enabled, directory and max_size found when set?',
    config: plain({ offline_msg_store: { enabled: true, directory: '/opt/thingworx/offline', max_size: 65535 } }),
  },

  // ---- the connection test: what the server presents (test/ems/connect-agree.test.ts) -------------------------
  {
    name: 'connect-trusted-chain',
    about: 'Connection: the server presents leaf + intermediate, cert_chain ["root-ca.pem"]: accepted? What does the ClientHello offer (SNI, versions)?',
    listener: 'connect-chain',
    config: tls({ validate: true, cert_chain: [ROOT_CA] }),
  },
  {
    name: 'connect-wrong-host',
    about: 'Connection: the server presents a leaf for platform.example.com only (+ intermediate) at 127.0.0.1, cert_chain ["root-ca.pem"]: does 5.3.4 check the host name?',
    listener: 'connect-wrong-host',
    config: tls({ validate: true, cert_chain: [ROOT_CA] }),
  },
  {
    name: 'connect-missing-intermediate',
    about: 'Connection: the server presents its leaf without the intermediate, cert_chain ["root-ca.pem"]: refused?',
    listener: 'connect-leaf-only',
    config: tls({ validate: true, cert_chain: [ROOT_CA] }),
  },
  {
    name: 'connect-unknown-root',
    about: 'Connection: the server presents leaf + intermediate, cert_chain ["client-ca.pem"] (a root that did not issue it): refused?',
    listener: 'connect-chain',
    config: tls({ validate: true, cert_chain: ['{{PKI}}/client-ca.pem'] }),
  },
  {
    name: 'connect-expired-leaf',
    about: 'Connection: the server presents an expired leaf + intermediate, cert_chain ["root-ca.pem"]: refused?',
    listener: 'connect-expired',
    config: tls({ validate: true, cert_chain: [ROOT_CA] }),
  },
  {
    name: 'connect-self-signed-allowed',
    about: 'Connection: a valid self-signed RSA certificate with allow_self_signed true: accepted (the control for the expired one)?',
    listener: 'connect-self-signed-rsa',
    config: tls({ allow_self_signed: true }),
  },
  {
    name: 'connect-self-signed-expired-allowed',
    about: 'Connection: an expired self-signed RSA certificate with allow_self_signed true: does allow_self_signed forgive the expiry too?',
    listener: 'connect-self-signed-rsa-expired',
    config: tls({ allow_self_signed: true }),
  },
  {
    name: 'connect-self-signed-ec-allowed',
    about: 'Connection: the PKI\'s self-signed EC P-256 certificate with allow_self_signed true: can 5.3.4 (axTLS) connect to an EC server at all?',
    listener: 'connect-self-signed-ec',
    config: tls({ allow_self_signed: true }),
  },
  {
    name: 'connect-client-cert-none',
    about: 'Connection: the server asks for a client certificate and the config names none: what does the EMS send?',
    listener: 'connect-client-auth',
    config: tls({ validate: true, cert_chain: [ROOT_CA] }),
  },
  {
    name: 'connect-client-cert',
    about: 'Connection: the server asks for a client certificate (client-ca.pem); client_cert client.pem, key_file client-key.pem (EC P-256, PKCS#8): sent and verified?',
    listener: 'connect-client-auth',
    config: tls({ validate: true, cert_chain: [ROOT_CA], client_cert: '{{PKI}}/client.pem', key_file: '{{PKI}}/client-key.pem' }),
  },
  {
    name: 'connect-client-cert-encrypted-key',
    about: 'Connection: as connect-client-cert, with key_file client-key-encrypted.pem (encrypted PKCS#8) and key_passphrase in clear text: sent?',
    listener: 'connect-client-auth',
    config: tls({ validate: true, cert_chain: [ROOT_CA], client_cert: '{{PKI}}/client.pem', key_file: '{{PKI}}/client-key-encrypted.pem', key_passphrase: 'test-passphrase' }),
  },
  {
    name: 'connect-client-cert-rsa',
    about: 'Connection: the server asks for a client certificate (root + intermediate); client_cert server.pem (RSA, clientAuth usage), key_file server-key-rsa.pem (PKCS#1): sent and verified?',
    listener: 'connect-client-auth-pki',
    config: tls({ validate: true, cert_chain: [ROOT_CA], client_cert: '{{PKI}}/server.pem', key_file: '{{PKI}}/server-key-rsa.pem' }),
  },
  {
    name: 'connect-client-cert-rsa-pkcs8',
    about: 'Connection: as connect-client-cert-rsa, with key_file server-key.pem (unencrypted PKCS#8): sent?',
    listener: 'connect-client-auth-pki',
    config: tls({ validate: true, cert_chain: [ROOT_CA], client_cert: '{{PKI}}/server.pem', key_file: '{{PKI}}/server-key.pem' }),
  },
  {
    name: 'connect-client-cert-rsa-encrypted-key',
    about: 'Connection: as connect-client-cert-rsa, with key_file server-key-rsa-encrypted.pem (PKCS#1, DEK-Info AES-256-CBC) and key_passphrase in clear text: sent?',
    listener: 'connect-client-auth-pki',
    config: tls({ validate: true, cert_chain: [ROOT_CA], client_cert: '{{PKI}}/server.pem', key_file: '{{PKI}}/server-key-rsa-encrypted.pem', key_passphrase: 'test-passphrase' }),
  },
  {
    name: 'connect-cn-match',
    about: 'Connection: validation_criteria.Cert_Common_Name "EMS Config Test Server" (the leaf\'s CN), leaf + intermediate, cert_chain ["root-ca.pem"]: accepted?',
    listener: 'connect-chain',
    config: tls({ validate: true, cert_chain: [ROOT_CA], validation_criteria: { Cert_Common_Name: 'EMS Config Test Server' } }),
  },
  {
    name: 'connect-cn-mismatch',
    about: 'Connection: validation_criteria.Cert_Common_Name "twx.example.com" (not the leaf\'s CN), leaf + intermediate, cert_chain ["root-ca.pem"]: refused, and what is logged?',
    listener: 'connect-chain',
    config: tls({ validate: true, cert_chain: [ROOT_CA], validation_criteria: { Cert_Common_Name: 'twx.example.com' } }),
  },
];
