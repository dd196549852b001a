/**
 * Loading an .xlsx workbook for read-xlsx, with the limits an untrusted file needs: its size
 * before it is read, the size of its parts once unzipped (counted while inflating, before
 * exceljs parses them), and a clear error for what is not a workbook. exceljs is imported on
 * first use so that CLI start-up does not pay for it.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Workbook } from 'exceljs';
import { StepError } from '../../engine/step.js';

export const MB = 1024 * 1024;

/**
 * The last workbook parsed, with its bytes: stages reading several sheets or ranges of one
 * workbook parse it once. Reused only for byte-identical content; exceljs objects are only
 * read here (findCell and eachRow/eachCell create no cells), so sharing them is safe. Kept
 * for small files only and dropped after a while unused, so that a long `agglo watch` does
 * not hold a large parsed workbook.
 */
let last: { buf: Buffer; unzipped: number; wb: Workbook } | undefined;
let lastTimer: NodeJS.Timeout | undefined;
const MEMO_MAX_BYTES = 8 * MB;
const MEMO_MS = 30_000;

function remember(entry: { buf: Buffer; unzipped: number; wb: Workbook }): void {
  clearTimeout(lastTimer);
  last = entry.buf.length <= MEMO_MAX_BYTES ? entry : undefined;
  if (last) {
    lastTimer = setTimeout(() => { last = undefined; }, MEMO_MS);
    lastTimer.unref();
  }
}

export async function workbookAt(abs: string, file: string, maxFileMb: number, maxUnzippedMb: number): Promise<Workbook> {
  const buf = readWorkbookFile(abs, file, maxFileMb);
  if (last && last.buf.equals(buf)) {
    if (last.unzipped > maxUnzippedMb * MB) throw unzipTooLarge(file, maxUnzippedMb * MB);
    remember(last);
    return last.wb;
  }
  const unzipped = await checkZip(buf, file, maxUnzippedMb);
  const wb = await loadWorkbook(buf, file);
  remember({ buf, unzipped, wb });
  return wb;
}

/** The file's bytes, after checking that it exists and is not larger than the limit. */
function readWorkbookFile(abs: string, file: string, maxMb: number): Buffer {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new StepError('missing-file', `cannot read ${file}${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}; check the path (relative to the project root)`);
  }
  if (size > maxMb * MB) {
    throw new StepError('file-too-large', `${file} is ${size >= 0.1 * MB ? `${(size / MB).toFixed(1)} MiB` : `${Math.ceil(size / 1024)} KiB`}, more than \`max_file_mb\` (${maxMb} MiB); raise \`max_file_mb\` if the file is trusted`);
  }
  return readFileSync(abs);
}

/** The subset of JSZip used to look inside the file before exceljs parses it. */
interface Zip {
  files: Record<string, { name: string; dir: boolean; nodeStream(type: 'nodebuffer'): NodeJS.ReadableStream }>;
}
interface ZipLoader {
  loadAsync(data: Buffer): Promise<Zip>;
}

let jszip: ZipLoader | undefined;

/**
 * JSZip as exceljs itself loads it (resolved from exceljs's folder, so it is the copy and
 * version exceljs depends on, not a second dependency of ours).
 */
function zipLoader(): ZipLoader {
  if (!jszip) {
    const req = createRequire(import.meta.url);
    jszip = createRequire(req.resolve('exceljs'))('jszip') as ZipLoader;
  }
  return jszip;
}

/**
 * Refuses what is not an .xlsx workbook, with the likely cause, and a workbook whose parts
 * unzip to more than the limit (counted while inflating, so a lying zip header cannot hide a
 * bomb; inflating stops at the limit).
 */
async function checkZip(buf: Buffer, file: string, maxMb: number): Promise<number> {
  const magic = buf.subarray(0, 4).toString('hex');
  if (magic === 'd0cf11e0') {
    throw new StepError('not-a-workbook', `${file} is an Excel 97–2003 .xls file (or another OLE document); read-xlsx reads .xlsx only: open it in Excel or LibreOffice and save it as .xlsx`);
  }
  if (magic !== '504b0304') {
    throw new StepError('not-a-workbook', `${file} is not an .xlsx workbook (an .xlsx file is a zip archive, and this file does not start like one${looksLikeText(buf) ? '; it looks like text, e.g. a CSV or HTML file renamed to .xlsx' : ''})`);
  }
  let zip: Zip;
  try {
    zip = await zipLoader().loadAsync(buf);
  } catch (e) {
    throw new StepError('not-a-workbook', `${file} is not a readable .xlsx workbook: the zip archive is damaged (${(e as Error).message})`);
  }
  if (!zip.files['xl/workbook.xml']) {
    throw new StepError('not-a-workbook', `${file} is a zip archive but not an .xlsx workbook (it has no xl/workbook.xml; a .docx, .ods or .zip renamed to .xlsx?)`);
  }
  const limit = maxMb * MB;
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    total = await inflatedSize(entry.nodeStream('nodebuffer'), total, limit, file);
  }
  return total;
}

function unzipTooLarge(file: string, limit: number): StepError {
  return new StepError('file-too-large', `${file} unzips to more than \`max_unzipped_mb\` (${limit / MB} MiB); raise the limit if the file is trusted`);
}

function inflatedSize(stream: NodeJS.ReadableStream, start: number, limit: number, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let total = start;
    let done = false;
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > limit) {
        done = true;
        stream.pause();
        stream.removeAllListeners('data');
        reject(unzipTooLarge(file, limit));
      }
    });
    stream.on('error', (e: Error) => {
      if (done) return;
      done = true;
      reject(new StepError('not-a-workbook', `${file} is not a readable .xlsx workbook: the zip archive is damaged (${e.message})`));
    });
    stream.on('end', () => {
      if (!done) { done = true; resolve(total); }
    });
  });
}

function looksLikeText(buf: Buffer): boolean {
  const head = buf.subarray(0, 512);
  return head.length > 0 && !head.includes(0);
}

async function loadWorkbook(buf: Buffer, file: string): Promise<Workbook> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs's own `Buffer` type predates Node's generic Buffer.
    await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (e) {
    throw new StepError('not-a-workbook', `${file} is not a readable .xlsx workbook: ${(e as Error).message}`);
  }
  return wb;
}
