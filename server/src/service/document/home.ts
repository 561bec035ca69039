// The EMS home: the folder relative paths in a config are resolved against.
import * as path from 'node:path';

/**
 * The configured home when there is one (relative: to the config's folder); else the parent of the `etc/` folder that holds the config
 * (the EMS layout is <home>/etc/config.json); else the config's own folder.
 */
export function emsHome(configPath: string | undefined, configured: string): string | undefined {
  if (configured) return configPath ? path.resolve(path.dirname(configPath), configured) : configured;
  if (!configPath) return undefined;
  const folder = path.dirname(configPath);
  return path.basename(folder).toLowerCase() === 'etc' ? path.dirname(folder) : folder;
}

/**
 * A Windows path that names another machine or a device namespace: UNC (`\\host\share`, `//host/share`),
 * WebDAV (`\\host@SSL\…`), `\\?\UNC\…`, `\\.\pipe\…`. Opening one makes Windows authenticate to that host
 * (an NTLM hash leak), so such a path is never stat-ed, read or listed.
 */
export function isRemoteWindowsPath(value: string): boolean {
  return /^[\\/]{2}/.test(value);
}
