// How findings name a certificate: by its subject's CN (else the whole subject), with its identity as data.
import type { CertInfo } from './types';
import { quote } from '../util/text';

export function nameOf(certificate: CertInfo): string {
  return quote(certificate.subjectCN ?? certificate.subject);
}

export function certificateData(certificate: CertInfo): Record<string, unknown> {
  return { subject: certificate.subject, sha256: certificate.sha256 };
}
