// A guard against zip bombs, run before an uploaded .xlsx or .docx (both are zip archives) is
// handed to exceljs or mammoth, which would inflate every part in memory. It walks the archive's
// central directory and really inflates each part with a ceiling (zlib's maxOutputLength), so
// sizes that lie in the headers do not get past it. Office files never need ZIP64 at the sizes
// we accept, so ZIP64 archives are refused rather than parsed.
import zlib from 'node:zlib';

export type ZipLimits = {
  /** Most parts an archive may hold. */
  maxEntries: number;
  /** Most bytes all parts together may inflate to. */
  maxTotalBytes: number;
};

/** 200 MiB of XML is far more than a 100,000-row sheet or a long Word file needs. */
export const OFFICE_ZIP_LIMITS: ZipLimits = { maxEntries: 5_000, maxTotalBytes: 200 * 1024 * 1024 };

export type ZipProblem = 'not_zip' | 'corrupt' | 'too_many_entries' | 'too_large' | 'unsupported';

export class ZipGuardError extends Error {
  constructor(
    readonly problem: ZipProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ZipGuardError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function findEndOfCentralDirectory(buf: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  return -1;
}

/**
 * Throws a ZipGuardError unless `buf` is a zip archive whose parts, really inflated, stay within
 * the limits. Returns the total inflated size.
 */
export function checkZipLimits(buf: Buffer, limits: ZipLimits = OFFICE_ZIP_LIMITS): number {
  if (buf.length < 22) throw new ZipGuardError('not_zip', 'not a zip archive (too short)');
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) throw new ZipGuardError('not_zip', 'not a zip archive (no end of central directory)');
  const entries = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipGuardError('unsupported', 'ZIP64 archives are not accepted');
  if (entries > limits.maxEntries) throw new ZipGuardError('too_many_entries', `the archive has ${entries} parts (at most ${limits.maxEntries})`);
  if (cdOffset + cdSize > eocd) throw new ZipGuardError('corrupt', 'the central directory lies outside the file');
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new ZipGuardError('corrupt', `central directory entry ${i + 1} is damaged`);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const declared = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const next = p + 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    if (compressed === 0xffffffff || declared === 0xffffffff || local === 0xffffffff) throw new ZipGuardError('unsupported', 'ZIP64 archives are not accepted');
    const remaining = limits.maxTotalBytes - total;
    if (declared > remaining) throw new ZipGuardError('too_large', `the parts inflate to more than ${limits.maxTotalBytes} bytes`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) throw new ZipGuardError('corrupt', `part ${i + 1} is damaged`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compressed > buf.length) throw new ZipGuardError('corrupt', `part ${i + 1} runs past the end of the file`);
    const data = buf.subarray(start, start + compressed);
    if (method === 0) {
      total += compressed;
    } else if (method === 8) {
      try {
        total += zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, remaining) }).length;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipGuardError('too_large', `the parts inflate to more than ${limits.maxTotalBytes} bytes`);
        throw new ZipGuardError('corrupt', `part ${i + 1} cannot be inflated`);
      }
    } else {
      throw new ZipGuardError('unsupported', `part ${i + 1} uses compression method ${method}`);
    }
    if (total > limits.maxTotalBytes) throw new ZipGuardError('too_large', `the parts inflate to more than ${limits.maxTotalBytes} bytes`);
    p = next;
  }
  return total;
}
