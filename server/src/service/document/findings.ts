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

  constructor(readonly model: TextIndex) {}

  add(code: Code, message: string, at: Span, pointer: string, data?: FindingData, severity?: Severity): Finding {
    const finding: Finding = {
      code,
      severity: severity ?? CODES[code].severity,
      message,
      pointer,
      range: this.model.rangeOf(at.offset, at.length),
    };
    if (data) finding.data = data;
    this.findings.push(finding);
    return finding;
  }

  range(at: Span): Range {
    return this.model.rangeOf(at.offset, at.length);
  }
}
