// What the language status item shows for a document: target release and where it came from, files read,
// counts, nearest expiry.
import type { CheckResult } from '../target/result';
import type { Target } from '../types';
import { nearestExpiry } from './describe';
import { validityAt } from '../../pki';
import { relativeDays } from '../../util/text';

export interface DocumentStatus {
  /** The release the document was checked as (target.release). */
  emsVersion: string;
  /** That release and where it came from: the settings, the EMS binary in the home, or the default. */
  target: Target;
  /** Certificate and key files the last check read. */
  filesChecked: number;
  /**
   * The certificate that expires first, among all files the config names. `when` says it as the diagnostics
   * and hovers of the same check do ('expires in 19 days', 'expired 92 days ago'), counted at the check's time.
   */
  nearestExpiry?: { notAfter: string; when: string; subject: string; file: string };
  errors: number;
  warnings: number;
}

export function documentStatus(result: CheckResult): DocumentStatus {
  const nearest = nearestExpiry(result.files);
  const status: DocumentStatus = {
    emsVersion: result.target.release,
    target: result.target,
    filesChecked: result.files.filter((f) => f.status === 'ok').length,
    errors: result.findings.filter((f) => f.severity === 'error').length,
    warnings: result.findings.filter((f) => f.severity === 'warning').length,
  };
  if (nearest) {
    const { notAfter } = nearest.certificate;
    status.nearestExpiry = {
      notAfter: notAfter.toISOString(),
      when: `${validityAt(nearest.certificate, result.now) === 'expired' ? 'expired' : 'expires'} ${relativeDays(notAfter, result.now)}`,
      subject: nearest.certificate.subjectCN ?? nearest.certificate.subject,
      file: nearest.reference.resolved ?? nearest.reference.value,
    };
  }
  return status;
}
