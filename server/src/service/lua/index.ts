// config.lua's document check: parsed (never run), then the checks that need only its text. The façade runs
// the file checks on the visits, as for config.json.
import type { DocumentCheck } from '../checks';
import { FindingSink } from '../document/findings';
import { indexText } from '../document/model';
import type { Version } from '../version';
import { checkLua } from './checks';
import { parseLua } from './parse';

export function checkLuaDocument(text: string, version: Version): DocumentCheck {
  const index = indexText(text);
  const sink = new FindingSink(index);
  const { model } = parseLua(index, sink);
  const visits = model.root ? checkLua(model, version, sink) : [];
  return { model, findings: sink.findings, visits, kind: 'lsr' };
}

/** Whether a path names the LSR's config (config.lua, or any .lua file the user checks). */
export function isLuaConfig(path: string | undefined): boolean {
  return path !== undefined && /\.lua$/i.test(path);
}
