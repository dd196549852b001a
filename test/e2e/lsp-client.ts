/**
 * A minimal Language Server Protocol client over stdio (JSON-RPC 2.0 with `Content-Length`
 * framing, as the LSP base protocol specifies),
 * enough to drive a real language server from a test: requests, notifications, answers to
 * the server's own requests, and waiting for a notification.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

type Json = unknown;
interface Message { id?: number | string; method?: string; params?: Json; result?: Json; error?: { code: number; message: string } }

export class LspClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: Json): void; reject(e: Error): void }>();
  private readonly notifications: Message[] = [];
  private readonly waiters: { method: string; test(p: Json): boolean; resolve(p: Json): void }[] = [];
  /** What the server wrote to stderr (shown when something times out). */
  stderr = '';

  /** `answer` replies to the server's requests (e.g. `workspace/configuration`). */
  constructor(command: string, args: string[], cwd: string, private readonly answer: (method: string, params: Json) => Json) {
    this.proc = spawn(command, args, { cwd, stdio: 'pipe' });
    this.proc.stdout.on('data', (d: Buffer) => this.receive(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
  }

  request<T = Json>(method: string, params: Json, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} in ${timeoutMs} ms; server stderr:\n${this.stderr}`)), timeoutMs);
      this.pending.set(id, { resolve: (v) => { clearTimeout(timer); resolve(v as T); }, reject: (e) => { clearTimeout(timer); reject(e); } });
    });
  }

  notify(method: string, params: Json): void {
    this.send({ method, params });
  }

  /** The first notification `method` (already received or still to come) whose params pass `test`. */
  waitFor<T = Json>(method: string, test: (params: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const seen = this.notifications.find((m) => m.method === method && test(m.params as T));
    if (seen) return Promise.resolve(seen.params as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} in ${timeoutMs} ms; server stderr:\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ method, test: (p) => test(p as T), resolve: (p) => { clearTimeout(timer); resolve(p as T); } });
    });
  }

  /** LSP shutdown then exit; kills the server if it does not end within 5 s. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      await this.request('shutdown', null, 5_000);
      this.notify('exit', null);
    } catch {
      // fall through to the kill below
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'))?.[1]);
      if (!Number.isFinite(length) || this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(m: Message): void {
    if (m.method !== undefined && m.id !== undefined) {
      this.send({ id: m.id, result: this.answer(m.method, m.params) ?? null });
    } else if (m.method !== undefined) {
      this.notifications.push(m);
      for (const w of this.waiters.filter((x) => x.method === m.method && x.test(m.params))) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m.params);
      }
    } else if (typeof m.id === 'number') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(`${m.error.code}: ${m.error.message}`));
      else p?.resolve(m.result);
    }
  }
}
