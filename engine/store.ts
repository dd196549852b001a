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
  readState(name: string): unknown;
  writeState(name: string, data: unknown): void;
  /** For gc: every record fingerprint and object hash. */
  listRecords(): string[];
  listObjects(): string[];
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
  fs.renameSync(tmp, file);
}

export class LocalStore implements Store {
  /** hash → "size:mtimeMs" of the object file when it was last verified. */
  private verified: Record<string, string> | undefined;
  private verifiedDirty = false;

  constructor(readonly dir: string, private readonly warn: WarnFn = () => {}) {}

  private objectPath(hash: string): string {
    return path.join(this.dir, 'objects', hash.slice(0, 2), hash);
  }

  private recordPath(fp: string): string {
    return path.join(this.dir, 'runs', fp.slice(0, 2), `${fp}.json`);
  }

  putObject(bytes: Uint8Array | string): string {
    const hash = sha256(bytes);
    const file = this.objectPath(hash);
    // Same name means same content: an existing object is only rewritten if it is damaged.
    if (this.verifyObject(hash, true)) return hash;
    writeFileAtomic(file, bytes);
    // Stamp it as verified now, so the next run does not re-read what was just written.
    this.stamp(hash, fs.statSync(file));
    return hash;
  }

  private memo(): Record<string, string> {
    if (!this.verified) {
      const memo = this.readState('verified-objects');
      this.verified = memo && typeof memo === 'object' && !Array.isArray(memo) ? (memo as Record<string, string>) : {};
    }
    return this.verified;
  }

  private stamp(hash: string, st: fs.Stats): void {
    this.memo()[hash] = `${st.size}:${st.mtimeMs}`;
    this.verifiedDirty = true;
  }

  getObject(hash: string, quiet = false): Uint8Array | undefined {
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
      fs.rmSync(this.objectPath(hash), { force: true });
      return undefined;
    }
    return bytes;
  }

  hasObject(hash: string): boolean {
    return fs.existsSync(this.objectPath(hash));
  }

  verifyObject(hash: string, quiet = false): boolean {
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
    writeFileAtomic(this.recordPath(rec.fingerprint), JSON.stringify(rec));
  }

  getRecord(fp: string): RunRecord | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.recordPath(fp), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const rec = JSON.parse(text) as RunRecord;
      const isMap = (o: unknown) => typeof o === 'object' && o !== null && !Array.isArray(o);
      if (!isMap(rec) || rec.fingerprint !== fp || !isMap(rec.outputs) || !isMap(rec.files)) throw new Error('mismatch');
      return rec;
    } catch {
      this.warn(`cache record ${fp.slice(0, 12)} is corrupt; it will be recomputed`);
      return undefined;
    }
  }

  readState(name: string): unknown {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, 'state', `${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  writeState(name: string, data: unknown): void {
    writeFileAtomic(path.join(this.dir, 'state', `${name}.json`), JSON.stringify(data));
  }

  listRecords(): string[] {
    return listShards(path.join(this.dir, 'runs')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  }

  listObjects(): string[] {
    return listShards(path.join(this.dir, 'objects')).filter((f) => !f.includes('.tmp-'));
  }

  deleteRecord(fp: string): void {
    fs.rmSync(this.recordPath(fp), { force: true });
  }

  deleteObject(hash: string): void {
    fs.rmSync(this.objectPath(hash), { force: true });
  }
}

function listShards(dir: string): string[] {
  let shards: string[];
  try {
    shards = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return shards.flatMap((s) => fs.readdirSync(path.join(dir, s)));
}
