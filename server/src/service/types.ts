// Plain data at the service boundary: what a check is given and what it reports.
// LSP-shaped positions (0-based line and UTF-16 character) so adapters pass them through unchanged.
import type { Code, Level, Severity } from './codes';
import { NEWEST_RELEASE } from './version';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Edit {
  range: Range;
  newText: string;
}

/** A quick fix computed when the finding is made, so that code actions never re-parse. */
export interface Fix {
  title: string;
  edits: Edit[];
  /** The fix a user most likely wants (VS Code's isPreferred, applied by "auto fix"). */
  preferred?: boolean;
  /** After applying, select this range (e.g. a placeholder value to overwrite). */
  select?: Range;
}

export interface FindingData {
  fixes?: Fix[];
  /** Values in other files the finding is about (config.lua beside config.json): LSP relatedInformation. */
  related?: Related[];
  [key: string]: unknown;
}

export interface Related {
  /** Absolute file-system path. */
  path: string;
  range: Range;
  message: string;
}

export interface Finding {
  code: Code;
  severity: Severity;
  message: string;
  /** RFC 6901 pointer to the value the finding is about ('' = the whole document). */
  pointer: string;
  range: Range;
  data?: FindingData;
}

export interface Settings {
  /** EMS release the config is meant for, x.y.z. */
  emsVersion: string;
  /**
   * Where emsVersion came from: chosen by the user (a setting, the CLI's flag) or the default, which the EMS
   * binary in the home replaces (target/resolve.ts). Absent: 'setting', so callers that pass a release get it.
   */
  emsVersionSource?: 'setting' | 'flag' | 'default';
  /** Folder that relative paths resolve against; '' = derive from the config's location. */
  homeDirectory: string;
  expiryWarningDays: number;
  /** Per-code severity overrides; 'off' hides the code. */
  severity: Partial<Record<string, Level>>;
  /** Workspace trust, from the VS Code client. Absent: trusted (the CLI, other editors, unless they say so). */
  trust?: WorkspaceTrust;
}

/**
 * Untrusted, a check reads only inside `folders` and the EMS home its config's location gives (homeDirectory
 * is ignored): a cloned repository's config must not make the editor read the rest of the disk.
 */
export interface WorkspaceTrust {
  trusted: boolean;
  /** The workspace folders, absolute file-system paths. */
  folders: string[];
}

/** Where the release a file was checked as came from: the user's choice, the EMS binary in the home, or the default. */
export type TargetSource = 'setting' | 'flag' | 'binary' | 'default';

/** The EMS release a file was checked as, and where that came from. */
export interface Target {
  /** x.y.z */
  release: string;
  source: TargetSource;
  /** The EMS binary the release was read from (source 'binary'), absolute. */
  binary?: string;
  /** The binary's full version, x.y.z.build. */
  build?: string;
}

/** The target release when none is set: the newest the checks know (version.ts). */
export const DEFAULT_EMS_VERSION = NEWEST_RELEASE;

/**
 * Every setting's default, for the server and the CLI. package.json's contributes.configuration states the
 * same defaults to VS Code (test/unit/defaults.test.ts keeps them equal).
 */
export const DEFAULT_SETTINGS: Settings = {
  emsVersion: DEFAULT_EMS_VERSION,
  emsVersionSource: 'default',
  homeDirectory: '',
  expiryWarningDays: 30,
  severity: {},
};
