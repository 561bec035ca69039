// The OpenSSL each EMS release bundles, where PTC says so, and what that OpenSSL cannot use. Certificate and
// key verdicts that differ between OpenSSL generations read the target release's OpenSSL from here; a release
// whose OpenSSL is not known gets undefined, and the rules then say only what holds for every generation.
import { atLeast, before, type Version } from './version';

export type OpensslSeries = '1.0.2' | '1.1.1' | '3';

export interface BundledOpenssl {
  /** As PTC writes it: '1.0.2q', '3.1.2'; the series alone where only that is known. */
  readonly version: string;
  readonly series: OpensslSeries;
  /** Where the pairing comes from, for messages and the catalogue. */
  readonly source: string;
}

const SEED = 'PTC, "Configuring Secure Connections (SSL/TLS)"';

/** Release ranges [from, until) and their OpenSSL, oldest first. Releases between the ranges are not known. */
const RELEASES: readonly { from: string; until: string; openssl: BundledOpenssl }[] = [
  // 5.4.0's release notes: "OpenSSL 1.0.2L or axTLS builds"; the libcrypto of a 5.4.0 ARM distribution
  // (DaimenDAmbers/microserver) says "OpenSSL 1.0.2l-fips  25 May 2017". 5.4.1–5.4.4 are assumed the same.
  { from: '5.4.0', until: '5.4.5', openssl: { version: '1.0.2l', series: '1.0.2', source: 'EMS 5.4.0 release notes and its libcrypto' } },
  { from: '5.4.5', until: '5.4.6', openssl: { version: '1.0.2q', series: '1.0.2', source: SEED } },
  { from: '5.4.6', until: '5.4.7', openssl: { version: '1.0.2r', series: '1.0.2', source: SEED } },
  { from: '5.4.7', until: '5.4.10', openssl: { version: '1.1.1c', series: '1.1.1', source: SEED } },
  { from: '5.4.10', until: '5.4.11', openssl: { version: '1.1.1j', series: '1.1.1', source: SEED } },
  { from: '5.5.0', until: '5.5.1', openssl: { version: '3.1.2', series: '3', source: 'PTC, "What\'s new in EMS 5.5.0"' } },
  // OpenSSL 1.1.1 reached its end of life in 2023: no later release goes back to it.
  { from: '5.5.1', until: '99.0.0', openssl: { version: '3', series: '3', source: 'EMS 5.5.0 bundles OpenSSL 3.1.2 (inferred for later releases)' } },
];

/** The OpenSSL the release bundles; undefined where it is not known (5.3.x builds used axTLS or OpenSSL, 5.4.11–5.4.x). */
export function bundledOpenssl(version: Version): BundledOpenssl | undefined {
  return RELEASES.find((range) => atLeast(version, range.from) && before(version, range.until))?.openssl;
}

const SERIES: readonly OpensslSeries[] = ['1.0.2', '1.1.1', '3'];

/** Whether OpenSSL `series` is `bound` or later. */
export function seriesAtLeast(series: OpensslSeries, bound: OpensslSeries): boolean {
  return SERIES.indexOf(series) >= SERIES.indexOf(bound);
}
