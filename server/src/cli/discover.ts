// Folder search for **/etc/config.json, and the LSR's etc/config.lua beside each. Symbolic links to folders are not followed (no loops), and
// node_modules and VCS folders are skipped.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const SKIP = new Set(['node_modules', '.git', '.hg', '.svn']);
const MAX_DEPTH = 32;

export async function findConfigs(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // an unreadable sub-folder holds nothing we can check
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
      const child = path.join(dir, entry.name);
      if (entry.name === 'etc') found.push(...(await configsIn(child)));
      await walk(child, depth + 1);
    }
  };
  if (path.basename(folder) === 'etc') found.push(...(await configsIn(folder)));
  await walk(folder, 0);
  return found.sort();
}

/** An etc/ folder's config.json, and its config.lua when the config.json is there. */
async function configsIn(etc: string): Promise<string[]> {
  const json = path.join(etc, 'config.json');
  if (!(await isFile(json))) return [];
  const lua = path.join(etc, 'config.lua');
  return (await isFile(lua)) ? [json, lua] : [json];
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
