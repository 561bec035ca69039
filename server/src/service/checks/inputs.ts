// What the file checks used, recorded as they use it: the document values they read (by the query that read
// them, so that a later document can be asked the same), the files and folders they touched, and the next
// instant a validity verdict changes. Reusing file verdicts and the watchers the language server registers
// both come from this one record, never from a list kept by hand beside the code that reads.
import type { Node } from 'jsonc-parser';
import { secretHash } from '../cache/pki';
import { findProperty, type PropertyNodes } from '../document/model';
import type { FileSystemPort } from '../ports';
import type { Visit } from './shape';

/** One read of the document: the value at a file setting, or a key beside it (ignoring case, as the EMS). */
interface Query {
  readonly target: string;
  readonly sibling?: string;
  /** Compared as a hash: the record never holds a passphrase. */
  readonly secret?: boolean;
}

interface Read {
  readonly query: Query;
  readonly seen: string;
}

/** The file and folder dependencies of a check, for watchers; plain data. */
export interface FileDependencies {
  /** Files stat-ed or read, and the files symbolic links among them lead to. */
  files: string[];
  /** Folders listed (the "similar files" of a missing one): a file created there changes the verdict. */
  folders: string[];
  /** The next instant a certificate verdict changes (valid, expiring soon, expired); undefined: none. */
  nextChange?: Date;
}

/** A config names a handful of files; 5,000 missing ones are hostile, and each search costs a folder's names. */
export const MAX_SIMILAR_SEARCHES = 50;

export class FileInputs {
  private readonly reads: Read[] = [];
  readonly files = new Set<string>();
  readonly folders = new Set<string>();
  private readonly listings = new Map<string, Promise<string[]>>();
  private nextChange: number | undefined;

  constructor(targets: ReadonlyMap<string, Visit>) {
    this.reads.push({ query: { target: '' }, seen: targetList(targets) });
  }

  /** The value of a file setting, as written. */
  value(visit: Visit): string {
    return this.record({ target: visit.pointer }, String(visit.node.value));
  }

  /** The key beside a file setting (its passphrase, its certificate), found ignoring case. */
  sibling(visit: Visit, key: string, secret = false): PropertyNodes | undefined {
    const found = siblingOf(visit.node, key);
    this.record({ target: visit.pointer, sibling: key, secret }, describe(found, secret));
    return found;
  }

  /** Missing files a check looks for similar names for; more get the finding without the hint. */
  private similarSearches = 0;

  /** Whether this check may still look for files similar to a missing one (at most MAX_SIMILAR_SEARCHES). */
  mayLookForSimilar(): boolean {
    return this.similarSearches++ < MAX_SIMILAR_SEARCHES;
  }

  /** The names in a folder, listed once per check however many missing files point into it. */
  listFolder(fs: FileSystemPort, folder: string): Promise<string[]> {
    this.folders.add(folder);
    let names = this.listings.get(folder);
    if (!names) this.listings.set(folder, (names = fs.readDirectory(folder)));
    return names;
  }

  /** A verdict that holds until `at` (exclusive). */
  changesAt(at: Date | undefined): void {
    if (at && (this.nextChange === undefined || at.getTime() < this.nextChange)) this.nextChange = at.getTime();
  }

  /** Whether a document whose file settings are `targets` reads the same as this one did. */
  holdsFor(targets: ReadonlyMap<string, Visit>): boolean {
    return this.reads.every(({ query, seen }) => evaluate(query, targets) === seen);
  }

  /** Until when the verdicts recorded hold by the clock. */
  validUntil(): number {
    return this.nextChange ?? Infinity;
  }

  dependencies(): FileDependencies {
    const dependencies: FileDependencies = { files: [...this.files], folders: [...this.folders] };
    if (this.nextChange !== undefined) dependencies.nextChange = new Date(this.nextChange);
    return dependencies;
  }

  private record(query: Query, seen: string): string {
    this.reads.push({ query, seen });
    return seen;
  }
}

function siblingOf(node: Node, key: string): PropertyNodes | undefined {
  return findProperty(node.parent?.parent, key);
}

function describe(found: PropertyNodes | undefined, secret: boolean): string {
  if (!found) return '';
  const value = found.valueNode?.value;
  const text = typeof value === 'string' ? (secret ? secretHash(value) : JSON.stringify(value)) : String(found.valueNode?.type);
  return `${found.key}=${text}`;
}

function targetList(targets: ReadonlyMap<string, Visit>): string {
  return [...targets.keys()].join('\n');
}

function evaluate(query: Query, targets: ReadonlyMap<string, Visit>): string | undefined {
  if (query.target === '' && query.sibling === undefined) return targetList(targets);
  const visit = targets.get(query.target);
  if (!visit) return undefined;
  if (query.sibling === undefined) return String(visit.node.value);
  return describe(siblingOf(visit.node, query.sibling), query.secret === true);
}
