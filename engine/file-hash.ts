/**
 * Content hashes of project files, memoised by (size, mtime) like DVC's state database so a
 * no-op rerun does not re-read large inputs. The memo lives in the cache's state folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkFileHashMemo } from './cache-meta.js';
import { sha256 } from './canonical.js';
import { dict, own } from './dict.js';
import type { Store } from './store.js';

interface MemoEntry { size: number; mtimeMs: number; hash: string }

export class FileHasher {
  private memo: Record<string, MemoEntry>;
  private dirty = false;

  constructor(private readonly root: string, private readonly store: Store) {
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
    if (m && m.size === st.size && m.mtimeMs === st.mtimeMs) return m.hash;
    const hash = sha256(fs.readFileSync(absPath));
    this.memo[key] = { size: st.size, mtimeMs: st.mtimeMs, hash };
    this.dirty = true;
    return hash;
  }

  /** Records that `absPath` now holds `hash` (after the engine wrote it). */
  remember(absPath: string, hash: string): void {
    const st = fs.statSync(absPath);
    this.memo[path.relative(this.root, absPath)] = { size: st.size, mtimeMs: st.mtimeMs, hash };
    this.dirty = true;
  }

  save(): void {
    if (this.dirty) this.store.writeState('file-hashes', this.memo);
    this.dirty = false;
  }
}
