// The diagnostic catalogue docs/diagnostics.md must describe every code the product can report, and
// nothing else: one `### \`code\`` section per code, and one summary-table row whose default severity is
// the one in server/src/service/codes.ts. Each section says what the real EMS does and on what evidence,
// and a recorded EMS case it cites must exist. A failure names the codes and lines to fix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ALL_CODES, type Category, CODES, type Code } from '../../server/src/service/codes';
import { REPO_ROOT } from '../helpers/repo';

const DOC = path.join(REPO_ROOT, 'docs', 'diagnostics.md');
const lines = fs.readFileSync(DOC, 'utf8').split(/\r?\n/);
const known = new Set<string>(ALL_CODES);

/** The `## ` heading each category's sections sit under. */
const CATEGORY_HEADINGS: Record<Category, string> = {
  syntax: 'Syntax',
  shape: 'Shape',
  policy: 'Security policy',
  files: 'Files',
  contents: 'Contents',
  pair: 'Cross-file: config.json and config.lua',
};

interface Section {
  code: string;
  /** 1-based line of the heading. */
  line: number;
  /** The `## ` heading above it. */
  chapter: string | undefined;
  body: string[];
}

interface Row {
  code: string;
  line: number;
  severity: string;
}

/** Lines inside ``` fences are example text, not structure. */
function outsideFences(): { text: string; line: number }[] {
  const result: { text: string; line: number }[] = [];
  let fenced = false;
  lines.forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    else if (!fenced) result.push({ text, line: i + 1 });
  });
  return result;
}

function sections(): { sections: Section[]; malformed: string[] } {
  const found: Section[] = [];
  const malformed: string[] = [];
  let chapter: string | undefined;
  let current: Section | undefined;
  for (const { text, line } of outsideFences()) {
    if (/^#{1,2}\s/.test(text)) {
      chapter = text.replace(/^#{1,2}\s+/, '').trim();
      current = undefined;
    } else if (/^###\s/.test(text)) {
      current = undefined;
      const exact = /^### `([^`]+)`$/.exec(text);
      if (exact) {
        current = { code: exact[1]!, line, chapter, body: [] };
        found.push(current);
      } else if (text.includes('`')) {
        malformed.push(`line ${line}: "${text}" (a code section heading is exactly: ### \`code\`)`);
      }
    } else if (current) {
      current.body.push(text);
    }
  }
  return { sections: found, malformed };
}

/** Summary-table rows: | `code` | severity … | one line |, the code optionally a link to its section. */
function summaryRows(): Row[] {
  const rows: Row[] = [];
  for (const { text, line } of outsideFences()) {
    const match = /^\|\s*\[?`([^`]+)`\]?(?:\(#[^)]*\))?\s*\|\s*([^|]*?)\s*\|[^|]*\|\s*$/.exec(text);
    if (match) rows.push({ code: match[1]!, line, severity: match[2]! });
  }
  return rows;
}

function groupBy<T extends { code: string }>(items: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(item.code, [...(map.get(item.code) ?? []), item]);
  return map;
}

/** The kinds of evidence, strongest first (docs/diagnostics.md, "Severities"). */
const EVIDENCE_KINDS = ['observed', 'binary', 'documented', 'inferred'];
/** `**Evidence:** kind …`, optionally several kinds first, comma- or slash-separated: "observed/binary …". */
const EVIDENCE_LINE = new RegExp(`^\\*\\*Evidence:\\*\\* (?:${EVIDENCE_KINDS.join('|')})\\b(?:\\s*[,/]\\s*(?:${EVIDENCE_KINDS.join('|')})\\b)*`);

/** The lines of a section body that start with this bold label. */
function labelled(section: Section, label: string): string[] {
  return section.body.filter((text) => text.startsWith(`**${label}:**`));
}

/** The first line of each paragraph of a section body, in order. */
function paragraphStarts(section: Section): string[] {
  return section.body.filter((text, i) => text.trim() !== '' && (i === 0 || section.body[i - 1]!.trim() === ''));
}

/** The EMS cases the recorder ran (test/ems/recorded.json), when that file is present. */
const RECORDED = path.join(REPO_ROOT, 'test', 'ems', 'recorded.json');
const recordedCases = fs.existsSync(RECORDED)
  ? new Set(Object.keys((JSON.parse(fs.readFileSync(RECORDED, 'utf8')) as { cases: Record<string, unknown> }).cases))
  : undefined;

/** Case names cited as "case `name`" or "cases `a`, `b` and `c`", with their line. */
function citedCases(): { name: string; line: number }[] {
  const cited: { name: string; line: number }[] = [];
  // A citation may wrap onto the next line: join each paragraph before searching it.
  let paragraph: { text: string; line: number } | undefined;
  const flush = () => {
    if (!paragraph) return;
    for (const match of paragraph.text.matchAll(/\bcases? ((?:`[^`]+`(?:,\s*|\s+and\s+|\s+or\s+)?)+)/g)) {
      for (const name of match[1]!.matchAll(/`([^`]+)`/g)) cited.push({ name: name[1]!, line: paragraph.line });
    }
    paragraph = undefined;
  };
  for (const { text, line } of outsideFences()) {
    if (text.trim() === '') flush();
    else paragraph = paragraph ? { text: `${paragraph.text} ${text}`, line: paragraph.line } : { text, line };
  }
  flush();
  return cited;
}

const parsed = sections();
const byCode = groupBy(parsed.sections);
const rows = summaryRows();
const rowsByCode = groupBy(rows.filter((r) => known.has(r.code)));

describe('docs/diagnostics.md', () => {
  test('every code section heading has the exact form ### `code`', () => {
    assert.deepEqual(parsed.malformed, [], `malformed headings in ${DOC}`);
  });

  test('every code has a section', () => {
    const missing = ALL_CODES.filter((code) => !byCode.has(code));
    assert.deepEqual(missing, [], `add a "### \`code\`" section to ${DOC} for: ${missing.join(', ')}`);
  });

  test('no code has more than one section', () => {
    const twice = [...byCode].filter(([, list]) => list.length > 1).map(([code, list]) => `${code} (lines ${list.map((s) => s.line).join(', ')})`);
    assert.deepEqual(twice, [], 'codes with several sections');
  });

  test('no section describes a code that does not exist', () => {
    const unknown = parsed.sections.filter((s) => !known.has(s.code)).map((s) => `${s.code} (line ${s.line})`);
    assert.deepEqual(unknown, [], `sections for codes that are not in server/src/service/codes.ts (renamed or misspelt?)`);
  });

  test('each section sits under the heading of its category', () => {
    const misplaced = parsed.sections
      .filter((s) => known.has(s.code) && s.chapter !== CATEGORY_HEADINGS[CODES[s.code as Code].category])
      .map((s) => `${s.code} (line ${s.line}) is under "## ${s.chapter ?? '(none)'}", expected "## ${CATEGORY_HEADINGS[CODES[s.code as Code].category]}"`);
    assert.deepEqual(misplaced, []);
  });

  test('each section states its default severity', () => {
    const wrong: string[] = [];
    for (const section of parsed.sections.filter((s) => known.has(s.code))) {
      const expected = CODES[section.code as Code].severity;
      const stated = section.body.join('\n').match(/\*\*Default severity:\*\*\s*([a-z]+)/);
      if (!stated) wrong.push(`${section.code} (line ${section.line}): no "**Default severity:** ${expected}"`);
      else if (stated[1] !== expected) wrong.push(`${section.code} (line ${section.line}): says ${stated[1]}, codes.ts says ${expected}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('each section says once what the EMS does, and once on what evidence', () => {
    const wrong: string[] = [];
    for (const section of parsed.sections.filter((s) => known.has(s.code))) {
      const what = labelled(section, 'What the EMS does');
      const evidence = labelled(section, 'Evidence');
      if (what.length !== 1) wrong.push(`${section.code} (line ${section.line}): ${what.length} "**What the EMS does:**" lines, expected 1`);
      if (evidence.length !== 1) wrong.push(`${section.code} (line ${section.line}): ${evidence.length} "**Evidence:**" lines, expected 1`);
      for (const line of evidence.filter((text) => !EVIDENCE_LINE.test(text))) {
        wrong.push(`${section.code} (line ${section.line}): "${line}" does not start with ${EVIDENCE_KINDS.join(', ')}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('what the EMS does and the evidence come right after the default severity', () => {
    const wrong: string[] = [];
    for (const section of parsed.sections.filter((s) => known.has(s.code))) {
      const starts = paragraphStarts(section);
      const at = starts.findIndex((text) => text.startsWith('**Default severity:**'));
      const next = starts.slice(at + 1, at + 3).map((text) => /^\*\*([^*]+):\*\*/.exec(text)?.[1] ?? text.slice(0, 30));
      if (at < 0 || next[0] !== 'What the EMS does' || next[1] !== 'Evidence') {
        wrong.push(`${section.code} (line ${section.line}): after the default severity come ${JSON.stringify(next)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('every EMS case cited exists in test/ems/recorded.json', { skip: recordedCases ? false : 'test/ems/recorded.json is absent' }, () => {
    const unknown = citedCases().filter((c) => !recordedCases!.has(c.name)).map((c) => `${c.name} (line ${c.line})`);
    assert.deepEqual(unknown, [], 'cited cases that were never recorded (renamed or misspelt?)');
  });

  test('every code has exactly one summary-table row', () => {
    const missing = ALL_CODES.filter((code) => !rowsByCode.has(code));
    const twice = [...rowsByCode].filter(([, list]) => list.length > 1).map(([code, list]) => `${code} (lines ${list.map((r) => r.line).join(', ')})`);
    assert.deepEqual({ missing, twice }, { missing: [], twice: [] }, 'summary-table rows (| `code` | severity | one line |)');
  });

  test('no summary-table row names a code that does not exist', () => {
    const codeLike = rows.filter((r) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(r.code) && !known.has(r.code) && /^(error|warning|information|hint)\b/.test(r.severity));
    assert.deepEqual(codeLike.map((r) => `${r.code} (line ${r.line})`), []);
  });

  test("the default severity in each summary-table row matches codes.ts", () => {
    const wrong: string[] = [];
    for (const [code, list] of rowsByCode) {
      for (const row of list) {
        const stated = /^([a-z]+)/.exec(row.severity)?.[1];
        const expected = CODES[code as Code].severity;
        if (stated !== expected) wrong.push(`${code} (line ${row.line}): the table says "${row.severity}", codes.ts says ${expected}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
