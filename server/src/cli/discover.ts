// Folder search for **/etc/config.json. Symbolic links to folders are not followed (no loops), and
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
      if (entry.name === 'etc') {
        const config = path.join(child, 'config.json');
        if (await isFile(config)) found.push(config);
      }
      await walk(child, depth + 1);
    }
  };
  if (path.basename(folder) === 'etc' && (await isFile(path.join(folder, 'config.json')))) found.push(path.join(folder, 'config.json'));
  await walk(folder, 0);
  return found.sort();
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
