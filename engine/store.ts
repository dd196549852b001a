/**
 * The cache store interface and its local-folder implementation (DVC-style):
 *   cache/objects/ab/abcdef…   content-addressed values and result files (sha256 of bytes)
 *   cache/runs/ab/<fp>.json    run records: fingerprint → output object hashes
 *   cache/state/<name>.json    per-pipeline state (last fingerprints, for `status` and "why")
 * Every write goes to a temp file in the same folder and is renamed into place, so readers
 * and a second `agglo run` never see a half-written file. Reads are verified: an object whose
 * bytes do not hash to its name, or a record that does not parse, is a miss plus a warning.
 * A shared store (e.g. S3, a database) implements the same interface.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkRunRecord, checkVerifiedMemo, isHash, type Checked } from './cache-meta.js';
import { sha256 } from './canonical.js';

/** What a finished task left in the cache. */
export interface RunRecord {
  /** The fingerprint this record answers. */
  readonly fingerprint: string;
  /** Stage and item that first produced it (for humans; records are shared across pipelines). */
  readonly stage: string;
  readonly item?: Record<string, string | number>;
  readonly step: string;
  readonly stepVersion: string;
  /** Output name → object hash of its encoded value. */
  readonly outputs: Record<string, string>;
  /** results/ file path → object hash of its bytes. */
  readonly files: Record<string, string>;
  /** Notes the step emitted. */
  readonly notes: string[];
  /** Wall time of the step, ms. */
  readonly ms: number;
  readonly createdAt: string;
}

export interface Store {
  putObject(bytes: Uint8Array | string): string;
  /** The verified bytes, or undefined if missing or corrupt (a warning is emitted). */
  getObject(hash: string): Uint8Array | undefined;
  hasObject(hash: string): boolean;
  /**
   * True when the object exists and its content matches its hash. May trust a previous
   * verification of an unchanged file (same size and mtime), so that a no-op rerun over
   * 100,000 items does not re-read 100,000 objects. Warns about a corrupt object.
   */
  verifyObject(hash: string, quiet?: boolean): boolean;
  /** Persists whatever verifyObject memoised (called at the end of a run). */
  flush(): void;
  putRecord(rec: RunRecord): void;
  getRecord(fingerprint: string): RunRecord | undefined;
  /** A state file's JSON, undefined when it is missing or cannot be read or parsed. */
  readState(name: string): unknown;
  /** A state file's JSON, or why it cannot be had (`missing` when there is none). */
  readStateFile(name: string): Checked<unknown>;
  writeState(name: string, data: unknown): void;
  /** For gc: every record fingerprint and object hash. */
  listRecords(): string[];
  listObjects(): string[];
  /**
   * Re-reads an object whatever the memo says (`agglo verify`): its size when it is a sound
   * object, else why not. A sound object is stamped in the memo, a bad one forgotten.
   */
  recheckObject(hash: string): Checked<number>;
  /** A run record as stored, or why it cannot be had (`missing` when there is none); no warning. */
  readRecordFile(fingerprint: string): Checked<RunRecord>;
  deleteRecord(fingerprint: string): void;
  deleteObject(hash: string): void;
}

export type WarnFn = (message: string) => void;

/** Folders known to exist (a cold run writes 2 files per item: one mkdir each is costly). */
const madeDirs = new Set<string>();
/** Temp names: pid + a per-process random tag + a counter, unique without a crypto call per file. */
const tmpTag = `${process.pid}-${randomBytes(4).toString('hex')}`;
let tmpCounter = 0;

/** Writes `data` to `file` atomically (temp file + rename in the same folder). */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const dir = path.dirname(file);
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = `${file}.tmp-${tmpTag}${(tmpCounter++).toString(16)}`;
  try {
    fs.writeFileSync(tmp, data);
  } catch (e) {
    // The folder may have been removed since (e.g. by gc or a test): make it and retry once.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, data);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export class LocalStore implements Store {
  /** hash → "size:mtimeMs" of the object file when it was last verified. */
  private verified: Record<string, string> | undefined;
  private verifiedDirty = false;
  /** Shard folders of cache/objects checked not to be symbolic links (once per run). */
  private readonly realShards = new Set<string>();
  /** Metadata writes that failed, warned about once each. */
  private readonly warned = new Set<string>();

  constructor(readonly dir: string, private readonly warn: WarnFn = () => {}) {}

  // Names come from metadata anyone can edit: only a sha256 may become a path, so that
  // `../../x` cannot make the store read, rewrite or delete a file outside cache/.
  private objectPath(hash: string): string {
    if (!isHash(hash)) throw new Error(`not an object name: ${JSON.stringify(hash)}`);
    return path.join(this.dir, 'objects', hash.slice(0, 2), hash);
  }

  private recordPath(fp: string): string {
    if (!isHash(fp)) throw new Error(`not a fingerprint: ${JSON.stringify(fp)}`);
    return path.join(this.dir, 'runs', fp.slice(0, 2), `${fp}.json`);
  }

  private stateFile(name: string): string {
    return path.join(this.dir, 'state', `${name}.json`);
  }

  putObject(bytes: Uint8Array | string): string {
    const hash = sha256(bytes);
    const file = this.objectPath(hash);
    this.realShard(path.dirname(file));
    // Same name means same content: an existing object is only rewritten if it is damaged.
    if (this.verifyObject(hash, true)) return hash;
    writeFileAtomic(file, bytes);
    // Stamp it as verified now, so the next run does not re-read what was just written.
    this.stamp(hash, fs.statSync(file));
    return hash;
  }

  /**
   * A shard folder of cache/objects that is a symbolic link (it may lead out of the project)
   * is removed, so that the object is written into a real folder under cache/ instead.
   */
  private realShard(dir: string): void {
    if (this.realShards.has(dir)) return;
    if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) {
      fs.unlinkSync(dir);
      this.warn(`cache/objects/${path.basename(dir)} was a symbolic link; the cache writes only inside cache/, so it was replaced by a folder`);
    }
    this.realShards.add(dir);
  }

  /** Writes a metadata file; a failure (a folder in its place…) is a warning, once, not a crash. */
  private writeMeta(file: string, data: string, what: string): void {
    try {
      writeFileAtomic(file, data);
    } catch (e) {
      if (this.warned.has(what)) return;
      this.warned.add(what);
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      this.warn(`cannot write ${what} (${code}): ${path.relative(path.dirname(this.dir), file)} or a folder above it is in the way; not saved (remove it to fix this)`);
    }
  }

  private memo(): Record<string, string> {
    this.verified ??= checkVerifiedMemo(this.readState('verified-objects'));
    return this.verified;
  }

  private stamp(hash: string, st: fs.Stats): void {
    this.memo()[hash] = `${st.size}:${st.mtimeMs}`;
    this.verifiedDirty = true;
  }

  getObject(hash: string, quiet = false): Uint8Array | undefined {
    if (!isHash(hash)) return undefined;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.objectPath(hash));
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== hash) {
      if (!quiet) this.warn(`cache object ${hash.slice(0, 12)} is corrupt (its content does not match its hash); it will be recomputed`);
      // Forget it: neither the size/mtime memo nor putObject may trust this file again.
      if (this.memo()[hash] !== undefined) {
        delete this.memo()[hash];
        this.verifiedDirty = true;
      }
      // Never through a shard folder that is a link (putObject replaces such a link).
      const file = this.objectPath(hash);
      if (!fs.lstatSync(path.dirname(file), { throwIfNoEntry: false })?.isSymbolicLink()) fs.rmSync(file, { force: true });
      return undefined;
    }
    return bytes;
  }

  hasObject(hash: string): boolean {
    return isHash(hash) && fs.existsSync(this.objectPath(hash));
  }

  verifyObject(hash: string, quiet = false): boolean {
    if (!isHash(hash)) return false;
    const st = fs.statSync(this.objectPath(hash), { throwIfNoEntry: false });
    if (!st) return false;
    if (this.memo()[hash] === `${st.size}:${st.mtimeMs}`) return true;
    if (!this.getObject(hash, quiet)) return false;
    this.stamp(hash, st);
    return true;
  }

  flush(): void {
    if (this.verified && this.verifiedDirty) this.writeState('verified-objects', this.verified);
    this.verifiedDirty = false;
  }

  putRecord(rec: RunRecord): void {
    this.writeMeta(this.recordPath(rec.fingerprint), JSON.stringify(rec), 'run records under cache/runs');
  }

  getRecord(fp: string): RunRecord | undefined {
    if (!isHash(fp)) return undefined;
    const bytes = readRegularFile(this.recordPath(fp), true);
    // Not there, or not a file one can read: a miss, as it always was.
    if (!bytes.ok) return undefined;
    const rec = parseRecord(bytes.value, fp);
    if (rec.ok) return rec.value;
    this.warn(`cache record ${fp.slice(0, 12)} is corrupt (it ${rec.problem}); it will be recomputed`);
    return undefined;
  }

  readRecordFile(fp: string): Checked<RunRecord> {
    if (!isHash(fp)) return { ok: false, problem: 'is not named by a fingerprint' };
    const bytes = readRegularFile(this.recordPath(fp), false);
    return bytes.ok ? parseRecord(bytes.value, fp) : bytes;
  }

  recheckObject(hash: string): Checked<number> {
    if (!isHash(hash)) return { ok: false, problem: 'is not named by a sha256 hash' };
    const file = this.objectPath(hash);
    // Not through a link: neither the object nor its shard folder may lead out of cache/.
    if (fs.lstatSync(path.dirname(file), { throwIfNoEntry: false })?.isSymbolicLink()) {
      return { ok: false, problem: `is in cache/objects/${hash.slice(0, 2)}, a symbolic link` };
    }
    const bytes = readRegularFile(file, false);
    const problem = !bytes.ok ? bytes.problem : sha256(bytes.value) !== hash ? 'does not match its hash (its content changed)' : undefined;
    if (problem !== undefined) {
      if (this.memo()[hash] !== undefined) {
        delete this.memo()[hash];
        this.verifiedDirty = true;
      }
      return { ok: false, problem };
    }
    const st = fs.statSync(file);
    if (this.memo()[hash] !== `${st.size}:${st.mtimeMs}`) this.stamp(hash, st);
    return { ok: true, value: st.size };
  }

  /** Forgets the memo of every object not in `sound` (`agglo verify` checked them all). */
  retainVerified(sound: ReadonlySet<string>): void {
    for (const h of Object.keys(this.memo())) {
      if (sound.has(h)) continue;
      delete this.memo()[h];
      this.verifiedDirty = true;
    }
  }

  readState(name: string): unknown {
    const r = this.readStateFile(name);
    return r.ok ? r.value : undefined;
  }

  /** A state file's JSON, or why it cannot be had ("missing" when there is no such file). */
  readStateFile(name: string): Checked<unknown> {
    let text: string;
    try {
      text = fs.readFileSync(this.stateFile(name), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { ok: false, problem: code === 'ENOENT' ? 'missing' : `cannot be read (${code ?? (e as Error).message})` };
    }
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, problem: 'is not JSON' };
    }
  }

  /** Names of the state files (for gc). */
  listStates(): string[] {
    let files: string[];
    try {
      files = fs.readdirSync(path.join(this.dir, 'state'));
    } catch {
      return [];
    }
    return files.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  }

  deleteState(name: string): void {
    fs.rmSync(this.stateFile(name), { force: true });
  }

  writeState(name: string, data: unknown): void {
    this.writeMeta(this.stateFile(name), JSON.stringify(data), `cache/state/${name}.json`);
  }

  listRecords(): string[] {
    return listShards(path.join(this.dir, 'runs')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter(isHash);
  }

  /** Objects by name; temp files and anything else not named by a sha256 are not objects. */
  listObjects(): string[] {
    return listShards(path.join(this.dir, 'objects')).filter(isHash);
  }

  deleteRecord(fp: string): void {
    if (isHash(fp)) removeEntry(this.recordPath(fp));
  }

  deleteObject(hash: string): void {
    if (isHash(hash)) removeEntry(this.objectPath(hash));
  }
}

/**
 * Removes whatever is at a cache entry's path: a file, a symbolic link (not what it points
 * to) or a folder someone put there. Never through a shard folder that is a link.
 */
function removeEntry(file: string): void {
  if (fs.lstatSync(path.dirname(file), { throwIfNoEntry: false })?.isSymbolicLink()) return;
  fs.rmSync(file, { force: true, recursive: true });
}

/**
 * A cache file's bytes, or why not: `missing`, `is a symbolic link` (when `follow` is
 * false), `is a folder`, `is not a regular file` (a FIFO would block a read, a device never
 * end), `cannot be read (CODE)`.
 */
function readRegularFile(file: string, follow: boolean): Checked<Buffer> {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat below refuses it.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (follow ? 0 : fs.constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'missing' };
    if (code === 'ELOOP' && !follow) return { ok: false, problem: 'is a symbolic link' };
    return { ok: false, problem: `cannot be read (${code ?? (e as Error).message})` };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { ok: false, problem: 'is a folder' };
    if (!st.isFile()) return { ok: false, problem: 'is not a regular file' };
    return { ok: true, value: fs.readFileSync(fd) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: `cannot be read (${code ?? (e as Error).message})` };
  } finally {
    fs.closeSync(fd);
  }
}

function parseRecord(bytes: Buffer, fp: string): Checked<RunRecord> {
  try {
    return checkRunRecord(JSON.parse(bytes.toString('utf8')), fp);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
}

function listShards(dir: string): string[] {
  let shards: string[];
  try {
    shards = fs.readdirSync(dir);
  } catch {
    return [];
  }
  // Only real folders: a stray file is skipped, and a symbolic link is not followed (gc
  // deletes what is listed, and must not delete through a link out of cache/).
  return shards.flatMap((s) => {
    const p = path.join(dir, s);
    if (!fs.lstatSync(p, { throwIfNoEntry: false })?.isDirectory()) return [];
    try {
      return fs.readdirSync(p);
    } catch {
      return [];
    }
  });
}
