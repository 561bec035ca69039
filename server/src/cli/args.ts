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

export type Parsed = { kind: 'check'; args: CheckArgs } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

export const USAGE = `Usage: ems-config check [options] <path>...

Checks ThingWorx Edge MicroServer config.json files: JSON syntax as the EMS reads it, every key against
the schema, security policy, and the certificate and key files the config names.

  <path>                      a config.json, or a folder searched for **/etc/config.json
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
Diagnostic codes: see docs/diagnostics.md.`;

export function parseArgs(argv: readonly string[]): Parsed {
  if (argv.includes('-h') || argv.includes('--help') || argv.length === 0) return { kind: 'help' };
  if (argv.includes('-v') || argv.includes('--version')) return { kind: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'check') return { kind: 'error', message: `unknown command "${command}"; the command is "check"` };
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
        const value = takeValue();
        const date = value && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
        if (!date || Number.isNaN(date.getTime())) return { kind: 'error', message: `--now needs an ISO-8601 instant such as 2026-06-01T00:00:00Z, not "${value ?? ''}"` };
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

function missing(flag: string): Parsed {
  return { kind: 'error', message: `${flag} needs a value` };
}
