// What the façade's check returns: the checks' result (../checks) and the release the file was checked as.
import type { CheckResult as ChecksResult } from '../checks';
import type { Target } from '../types';

export interface CheckResult extends ChecksResult {
  /** The release the checks ran as (what settings.emsVersion asked for, unless it was only the default). */
  target: Target;
}
