// Command-line arguments of `ems-config check`, exactly as the contract names them.
import { DEFAULT_SETTINGS, isCode, isLevel, type Level, parseVersion } from '../service';

export type Format = 'text' | 'json' | 'sarif';

export interface CheckArgs {
  paths: string[];
  home: string;
  /** --ems-version; undefined: the release of the EMS binary in the home, else the default. */
  emsVersion: string | undefined;
  now: Date | undefined;
  expiryWarningDays: number;
  severity: Record<string, Level>;
  format: Format;
  /** Processes to check on, this one included; undefined: one per core. */
  jobs: number | undefined;
}

export interface ConnectArgs {
  config: string;
  home: string;
  emsVersion: string | undefined;
  /** --target: the endpoint's JSON pointer; default the platform, /ws_servers/0. */
  target: string;
  timeoutMs: number;
  format: 'text' | 'json';
  now: Date | undefined;
}

export type Parsed = { kind: 'check'; args: CheckArgs } | { kind: 'connect'; args: ConnectArgs } | { kind: 'help'; usage?: string } | { kind: 'version' } | { kind: 'error'; message: string };

export const USAGE = `Usage: ems-config check [options] <path>...

Checks ThingWorx Edge MicroServer config.json files: JSON syntax as the EMS reads it, every key against
the schema, security policy, and the certificate and key files the config names; and the Lua Script
Resource's config.lua: its settings as the LSR reads them, its security switches and its files.

  <path>                      a config.json (or the LSR's config.lua), or a folder searched for
                              **/etc/config.json and the config.lua beside each
  --home <dir>                EMS home that relative paths resolve against
                              (default: the parent of the config's etc/ folder, else the config's folder)
  --ems-version <x.y.z>       EMS release the config is meant for (default: the release of the wsems
                              binary in the EMS home, else the newest known, ${DEFAULT_SETTINGS.emsVersion})
  --now <ISO-8601 instant>    judge certificate validity at this instant (default: now)
  --expiry-warning-days <n>   warn about certificates that expire within n days (default ${DEFAULT_SETTINGS.expiryWarningDays})
  --severity <code>=<level>   override one rule (off|hint|information|warning|error); repeatable
  --format text|json|sarif    output format (default text)
  --jobs <n>                  check on at most n processes (default: one per core)
  -h, --help                  show this help
  -v, --version               show the version

Exit status: 0 no error-severity finding; 1 at least one; 2 bad usage or a path that cannot be read.
Diagnostic codes: see docs/diagnostics.md.
Also: ems-config connect --help (test the connection the config would make).`;

export const CONNECT_USAGE = `Usage: ems-config connect [options] <config.json>

Connects to the ThingWorx platform (ws_servers[0]) as the EMS would with this config: its trust anchors
(cert_chain only), its client certificate, cipher_suite, proxy and the TLS versions of the target release;
then asks for the WebSocket upgrade of "resource" without the appKey. Nothing is retried; no secret is printed.

  --target <pointer>          the endpoint to test: /ws_servers/0 (default), /http_server, /auto_bind/<n>
  --home <dir>                EMS home that relative paths resolve against
  --ems-version <x.y.z>       EMS release to connect as (default: the wsems binary in the home, else ${DEFAULT_SETTINGS.emsVersion})
  --timeout <n>s|<n>ms        time-out of each step (default 5s)
  --now <ISO-8601 instant>    judge the server's certificates at this instant (default: now)
  --format text|json          output format (default text)
  -h, --help                  show this help

Exit status: 0 connected; 1 refused as the EMS would be refused; 2 not tested (bad usage, an unreadable file, no such endpoint).`;

export function parseArgs(argv: readonly string[]): Parsed {
  if (argv[0] === 'connect') return parseConnectArgs(argv.slice(1));
  if (argv.includes('-h') || argv.includes('--help') || argv.length === 0) return { kind: 'help' };
  if (argv.includes('-v') || argv.includes('--version')) return { kind: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'check') return { kind: 'error', message: `unknown command "${command}"; the commands are "check" and "connect"` };
  const args: CheckArgs = {
    paths: [], home: DEFAULT_SETTINGS.homeDirectory, emsVersion: undefined, now: undefined,
    expiryWarningDays: DEFAULT_SETTINGS.expiryWarningDays, severity: {}, format: 'text', jobs: undefined,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : rest[++i]);
    switch (flag) {
      case '--home': {
        const value = takeValue();
        if (!value) return missing(flag);
        args.home = value;
        break;
      }
      case '--ems-version': {
        const value = takeValue();
        if (!value || !parseVersion(value)) return { kind: 'error', message: `--ems-version needs a release number such as 5.4.8, not "${value ?? ''}"` };
        args.emsVersion = value;
        break;
      }
      case '--now': {
        const date = instant(takeValue());
        if ('kind' in date) return date;
        args.now = date;
        break;
      }
      case '--expiry-warning-days': {
        const value = takeValue();
        if (!value || !/^\d+$/.test(value)) return { kind: 'error', message: `--expiry-warning-days needs a whole number of days, not "${value ?? ''}"` };
        args.expiryWarningDays = Number(value);
        break;
      }
      case '--severity': {
        const value = takeValue() ?? '';
        const [code, level] = value.split('=');
        if (!code || !isCode(code)) return { kind: 'error', message: `--severity: unknown code "${code ?? ''}" (see docs/diagnostics.md)` };
        if (!level || !isLevel(level)) return { kind: 'error', message: `--severity ${code}=…: the level is one of off, hint, information, warning, error` };
        args.severity[code] = level;
        break;
      }
      case '--format': {
        const value = takeValue();
        if (value !== 'text' && value !== 'json' && value !== 'sarif') return { kind: 'error', message: `--format is text, json or sarif, not "${value ?? ''}"` };
        args.format = value;
        break;
      }
      case '--jobs': {
        const value = takeValue();
        if (!value || !/^[1-9]\d{0,3}$/.test(value)) return { kind: 'error', message: `--jobs needs a number of processes from 1 to 9999, not "${value ?? ''}"` };
        args.jobs = Number(value);
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return { kind: 'error', message: `unknown option "${arg}"` };
        args.paths.push(arg);
    }
  }
  if (!args.paths.length) return { kind: 'error', message: 'no path to check: give a config.json or a folder' };
  return { kind: 'check', args };
}

function parseConnectArgs(rest: readonly string[]): Parsed {
  if (rest.includes('-h') || rest.includes('--help') || rest.length === 0) return { kind: 'help', usage: CONNECT_USAGE };
  const args: ConnectArgs = { config: '', home: DEFAULT_SETTINGS.homeDirectory, emsVersion: undefined, target: '/ws_servers/0', timeoutMs: 5000, format: 'text', now: undefined };
  const configs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : rest[++i]);
    switch (flag) {
      case '--home': {
        const given = value();
        if (!given) return missing(flag);
        args.home = given;
        break;
      }
      case '--ems-version': {
        const given = value();
        if (!given || !parseVersion(given)) return { kind: 'error', message: `--ems-version needs a release number such as 5.4.8, not "${given ?? ''}"` };
        args.emsVersion = given;
        break;
      }
      case '--target': {
        const given = value();
        if (!given || !/^\/(ws_servers\/0|http_server|auto_bind\/\d{1,4})$/.test(given)) return { kind: 'error', message: `--target is /ws_servers/0, /http_server or /auto_bind/<n>, not "${given ?? ''}"` };
        args.target = given;
        break;
      }
      case '--timeout': {
        const given = value();
        const match = given ? /^(\d{1,6})(ms|s)?$/.exec(given) : null;
        const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : 1000) : NaN;
        if (!(ms >= 100 && ms <= 120_000)) return { kind: 'error', message: `--timeout needs a time from 100ms to 120s such as 5s, not "${given ?? ''}"` };
        args.timeoutMs = ms;
        break;
      }
      case '--now': {
        const date = instant(value());
        if ('kind' in date) return date;
        args.now = date;
        break;
      }
      case '--format': {
        const given = value();
        if (given !== 'text' && given !== 'json') return { kind: 'error', message: `--format is text or json, not "${given ?? ''}"` };
        args.format = given;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') return { kind: 'error', message: `unknown option "${arg}"` };
        configs.push(arg);
    }
  }
  if (configs.length !== 1) return { kind: 'error', message: configs.length ? 'connect tests one config.json at a time' : 'no config.json to test' };
  args.config = configs[0]!;
  return { kind: 'connect', args };
}

function instant(value: string | undefined): Date | Parsed {
  const date = value && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return { kind: 'error', message: `--now needs an ISO-8601 instant such as 2026-06-01T00:00:00Z, not "${value ?? ''}"` };
  return date;
}

function missing(flag: string): Parsed {
  return { kind: 'error', message: `${flag} needs a value` };
}
