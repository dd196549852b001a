/**
 * Content hashes of project files, memoised by (size, mtime) like DVC's state database so a
 * no-op rerun does not re-read large inputs. The memo lives in the cache's state folder.
 * It covers what the runner hashes through it: data inputs, file-path params and the
 * results/ files it compares with their cached copies. An edit that keeps both size and
 * mtime is invisible to the memo; `rehash` (`--verify-inputs`) re-reads every file once per
 * run and refreshes the memo with what it found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkFileHashMemo } from './cache-meta.js';
import { sha256 } from './canonical.js';
import { dict, own } from './dict.js';
import type { Store } from './store.js';

interface MemoEntry { size: number; mtimeMs: number; hash: string }

/** How a FileHasher treats its memo. */
export interface FileHasherOptions {
  /**
   * Re-read every file the first time it is asked for in this hasher's life, whatever the
   * memo says, and refresh the memo with the result (later calls trust what was just read).
   */
  readonly rehash?: boolean;
}

export class FileHasher {
  private memo: Record<string, MemoEntry>;
  private dirty = false;
  /** With `rehash`: the paths read (or written by the engine) by this hasher, so trusted. */
  private readonly fresh = new Set<string>();
  /** Memo entries as they were before this hasher changed them (see {@link recorded}). */
  private readonly before = new Map<string, MemoEntry | undefined>();

  constructor(private readonly root: string, private readonly store: Store, private readonly options: FileHasherOptions = {}) {
    // Keys are project paths, i.e. user text: a file may be called `constructor` (the memo is
    // a dict). Entries of another shape (a hand edit, a damaged file) are dropped: re-read.
    this.memo = checkFileHashMemo(store.readState('file-hashes'));
  }

  /** sha256 of the file's bytes, or undefined when it does not exist. */
  hash(absPath: string): string | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(absPath);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const key = path.relative(this.root, absPath);
    const m = own(this.memo, key);
    const trusted = !this.options.rehash || this.fresh.has(key);
    if (trusted && m && m.size === st.size && m.mtimeMs === st.mtimeMs) return m.hash;
    const hash = sha256(fs.readFileSync(absPath));
    this.fresh.add(key);
    if (!m || m.size !== st.size || m.mtimeMs !== st.mtimeMs || m.hash !== hash) {
      if (!this.before.has(key)) this.before.set(key, m);
      this.memo[key] = { size: st.size, mtimeMs: st.mtimeMs, hash };
      this.dirty = true;
    }
    return hash;
  }

  /** Records that `absPath` now holds `hash` (after the engine wrote it). */
  remember(absPath: string, hash: string): void {
    const st = fs.statSync(absPath);
    const key = path.relative(this.root, absPath);
    if (!this.before.has(key)) this.before.set(key, own(this.memo, key));
    this.memo[key] = { size: st.size, mtimeMs: st.mtimeMs, hash };
    this.fresh.add(key);
    this.dirty = true;
  }

  /**
   * The hash the memo held for `absPath` when this hasher was made: for a results/ file, what
   * agglo last wrote there (or saw there), whatever this run has read or written since.
   */
  recorded(absPath: string): string | undefined {
    const key = path.relative(this.root, absPath);
    return (this.before.has(key) ? this.before.get(key) : own(this.memo, key))?.hash;
  }

  save(): void {
    if (this.dirty) this.store.writeState('file-hashes', this.memo);
    this.dirty = false;
  }
}
