// Settings arrive from VS Code (workspace/configuration), the CLI's flags or a standalone client's
// initializationOptions; all of them go through here, so a bad value becomes the default, never a crash.
import { isCode, isLevel, type Level } from './codes';
import { DEFAULT_SETTINGS, type Finding, type Settings, type WorkspaceTrust } from './types';
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
  const untrusted = untrustedWorkspace(input['trust']);
  return {
    emsVersion: version ?? DEFAULT_SETTINGS.emsVersion,
    emsVersionSource: version === undefined ? 'default' : versionSource(input['emsVersionSource']),
    // Untrusted, the home comes from the config's location only: the setting may come from the workspace.
    homeDirectory: !untrusted && typeof input['homeDirectory'] === 'string' ? input['homeDirectory'].trim() : '',
    expiryWarningDays: typeof days === 'number' && Number.isFinite(days) && days >= 0 ? Math.floor(days) : DEFAULT_SETTINGS.expiryWarningDays,
    severity,
    ...(untrusted ? { trust: untrusted } : {}),
  };
}

/** Only an explicit `trusted: false` limits the reads; anything else is the default, trusted (no field). */
function untrustedWorkspace(raw: unknown): WorkspaceTrust | undefined {
  if (!raw || typeof raw !== 'object' || (raw as { trusted?: unknown }).trusted !== false) return undefined;
  const folders = (raw as { folders?: unknown }).folders;
  return { trusted: false, folders: Array.isArray(folders) ? folders.filter((f): f is string => typeof f === 'string' && f !== '') : [] };
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
