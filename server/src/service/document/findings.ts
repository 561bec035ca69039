// Collects findings for one check: default severity from the catalogue, ranges from offsets.
import { CODES, type Code, type Severity } from '../codes';
import type { TextIndex } from './model';
import type { Finding, FindingData, Range } from '../types';

export interface Span {
  offset: number;
  length: number;
}

export class FindingSink {
  readonly findings: Finding[] = [];
  /** Text the parser had to recover: what a check would say about it is guesswork, so only syntax findings land there. */
  private recovered: readonly Span[] = [];

  constructor(readonly model: TextIndex) {}

  /** From now on, drop every finding but syntax ones that starts inside one of these spans. */
  muteInside(spans: readonly Span[]): void {
    this.recovered = spans;
  }

  /** Whether an offset lies in text the parser had to recover. */
  isRecovered(offset: number): boolean {
    return this.recovered.some((span) => offset >= span.offset && offset < span.offset + span.length);
  }

  add(code: Code, message: string, at: Span, pointer: string, data?: FindingData, severity?: Severity): Finding {
    const finding: Finding = {
      code,
      severity: severity ?? CODES[code].severity,
      message,
      pointer,
      range: this.model.rangeOf(at.offset, at.length),
    };
    if (data) finding.data = data;
    if (CODES[code].category === 'syntax' || !this.isRecovered(at.offset)) this.findings.push(finding);
    return finding;
  }

  range(at: Span): Range {
    return this.model.rangeOf(at.offset, at.length);
  }
}
