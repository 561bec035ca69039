// What each kind of file setting is, named once: the noun messages use ("the EMS needs a CA list file
// here") and the line hovers and the certificate report show under the setting's name, which starts with
// that same noun ("CA list — **trust**: …").
import { capitalize } from '../../util/text';
import type { FileRole } from './schema';

/** What a setting that names a file or folder holds. */
export type SettingRole = FileRole | 'directory';

const ROLES: Record<SettingRole, { noun: string; purpose: string }> = {
  'ca-list': { noun: 'CA list', purpose: '**trust**: the CA certificates the peer\'s certificate must chain to' },
  'identity-chain': { noun: 'certificate', purpose: '**identity**: the leaf first, then its intermediates' },
  'private-key': { noun: 'private key', purpose: '**identity**: belongs to the certificate beside it' },
  directory: { noun: 'folder', purpose: 'nothing is read from it' },
};

/** The role as a noun inside a sentence: 'CA list', 'certificate', 'private key', 'folder'. */
export function roleNoun(role: SettingRole): string {
  return ROLES[role].noun;
}

/** The role as one Markdown line: 'CA list — **trust**: the CA certificates the peer's certificate must chain to'. */
export function describeRole(role: SettingRole): string {
  return `${capitalize(roleNoun(role))} — ${ROLES[role].purpose}`;
}
