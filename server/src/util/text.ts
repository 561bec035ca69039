// Words and dates as every message, hover, completion and report writes them: one way to say each thing.
// Day counts in particular are computed here only, so a diagnostic, a hover and the status item shown at
// the same instant never disagree ("in 19 days" in one, "in 20 days" in another).

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** How long an untrusted name (a certificate subject, a label read from a file) may run in one line. */
export const MAX_NAME = 160;

/** Bidirectional overrides and isolates: they reorder what a reader sees (a path shown reversed). */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/** Untrusted text as one line: control characters become spaces; longer than `max`, it ends in an ellipsis. */
export function clip(text: string, max: number): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(BIDI, '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Text without bidirectional overrides, for hovers and the report. */
export function withoutBidi(text: string): string {
  return text.replace(BIDI, '');
}

/**
 * Text fit for a terminal: C0 and C1 controls, DEL and bidirectional overrides written as \u{…}, so that a key
 * or a file name holding ESC[2J or OSC 52 can neither clear the screen, forge a line nor write the clipboard.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** Untrusted text in double quotes, as one line: `"EMS Config Test Root CA"`. */
export function quote(text: string, max = MAX_NAME): string {
  return `"${clip(text, max)}"`;
}

/** The first letter upper-case, past a leading Markdown `**`: 'removed in …' → 'Removed in …'. */
export function capitalize(text: string): string {
  return text.replace(/^(\*\*)?([a-z])/, (_, bold: string | undefined, letter: string) => `${bold ?? ''}${letter.toUpperCase()}`);
}

/** The word with its indefinite article: 'a string', 'an object', 'an integer'. */
export function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** 'YYYY-MM-DD' in UTC: how every date is written. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days between two instants, either order: the difference floored, so 19.9 days are 19. */
export function wholeDays(a: Date, b: Date): number {
  return Math.floor(Math.abs(a.getTime() - b.getTime()) / DAY_MS);
}

/** How far `date` is from `now`, in whole days: 'today', 'in 1 day', 'in 19 days', '1 day ago', '3135 days ago'. */
export function relativeDays(date: Date, now: Date): string {
  const days = wholeDays(date, now);
  if (days === 0) return 'today';
  const amount = days === 1 ? '1 day' : `${days} days`;
  return date.getTime() < now.getTime() ? `${amount} ago` : `in ${amount}`;
}
