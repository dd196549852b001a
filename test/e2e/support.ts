/** Runs the compiled CLI (`node bin/agglo.js`) in throwaway project folders. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'bin', 'agglo.js');

export interface CliResult { code: number; stdout: string; stderr: string }

/** A temp project with the given files (path → content). */
export function makeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-e2e-'));
  for (const [rel, content] of Object.entries(files)) writeFile(dir, rel, content);
  return dir;
}

export function writeFile(dir: string, rel: string, content: string): void {
  const abs = path.join(dir, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
}

export function agglo(dir: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function aggloAsync(dir: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface StageJson { id: string; step: string; status: string; reason: string; items: { total: number; ran: number; cached: number; failed: number } }

/** `agglo run --json` (or status) parsed; fails the test with the stderr when it is not JSON. */
export function runJson(dir: string, ...args: string[]): { code: number; stages: Record<string, StageJson>; stderr: string } {
  const r = agglo(dir, ...args, '--json');
  let parsed: { stages: StageJson[] };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, stages: Object.fromEntries(parsed.stages.map((s) => [s.id, s])), stderr: r.stderr };
}

/** Replaces text in a project file. */
export function edit(dir: string, rel: string, from: string | RegExp, to: string): void {
  const abs = path.join(dir, rel);
  const text = fs.readFileSync(abs, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${rel}`);
  fs.writeFileSync(abs, next);
}

/** `agglo watch` in `dir`, with a way to wait for output after a given offset. */
export function watchProcess(dir: string): { waitFor(re: RegExp, from: number): Promise<number>; output(): string; stop(): void } {
  const p = spawn(process.execPath, [cli, 'watch'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  return {
    async waitFor(re, from) {
      for (let i = 0; i < 300; i++) {
        if (re.test(out.slice(from))) return out.length;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${re}; output so far:\n${out}`);
    },
    output: () => out,
    stop: () => p.kill('SIGTERM'),
  };
}
