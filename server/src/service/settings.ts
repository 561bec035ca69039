// Settings arrive from VS Code (workspace/configuration), the CLI's flags or a standalone client's
// initializationOptions; all of them go through here, so a bad value becomes the default, never a crash.
import { isCode, isLevel, type Level } from './codes';
import { DEFAULT_SETTINGS, type Finding, type Settings } from './types';
import { parseVersion } from './version';

export function normalizeSettings(raw: unknown): Settings {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const version = typeof input['emsVersion'] === 'string' && parseVersion(input['emsVersion']) ? input['emsVersion'].trim() : undefined;
  const days = input['expiryWarningDays'];
  const severity: Partial<Record<string, Level>> = {};
  const rawSeverity = input['severity'];
  if (rawSeverity && typeof rawSeverity === 'object') {
    for (const [code, level] of Object.entries(rawSeverity)) {
      if (isCode(code) && typeof level === 'string' && isLevel(level)) severity[code] = level;
    }
  }
  return {
    emsVersion: version ?? DEFAULT_SETTINGS.emsVersion,
    emsVersionSource: version === undefined ? 'default' : versionSource(input['emsVersionSource']),
    homeDirectory: typeof input['homeDirectory'] === 'string' ? input['homeDirectory'].trim() : '',
    expiryWarningDays: typeof days === 'number' && Number.isFinite(days) && days >= 0 ? Math.floor(days) : DEFAULT_SETTINGS.expiryWarningDays,
    severity,
  };
}

/** A release given without a source was chosen by whoever passed it. */
function versionSource(raw: unknown): NonNullable<Settings['emsVersionSource']> {
  return raw === 'flag' || raw === 'default' ? raw : 'setting';
}

/** Per-code overrides: a level replaces the default severity, 'off' removes the finding. */
export function applySeverity(findings: Finding[], overrides: Settings['severity']): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const level = overrides[finding.code];
    if (level === 'off') continue;
    result.push(level ? { ...finding, severity: level } : finding);
  }
  return result;
}
