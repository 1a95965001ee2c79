// Official-document header parser: a pure library. `parseDocuments(text)` finds every document in
// a text and reads its header; `readDocumentFile(path)` turns a .txt/.md, .docx or .pdf file into
// text. No database, no network.
import { parseSection } from './header.ts';
import { toLines } from './lines.ts';
import { normalizeText } from './normalize.ts';
import { splitDocuments } from './split.ts';
import { findStamps } from './stamp.ts';
import type { ParsedDocument, ParsedDocumentWithText } from './types.ts';

export type { DocumentKind, ParsedDocument, ParsedDocumentWithText, ReceivedStamp, Secrecy, Urgency } from './types.ts';
export { DOCUMENT_KINDS } from './types.ts';
export { normalizeText, detectLegacyEncoding, convertTcvn3, convertVni, fold } from './normalize.ts';
export { readDocumentFile, DocumentReadError, isScannedPdfText } from './read.ts';
export { findReferences, kindFromSymbol } from './header.ts';
export { suggestTasks, findDeadline, findAssignees } from './suggest-tasks.ts';
export type { SuggestedTask, TaskDeadline, TaskSource } from './suggest-tasks.ts';

/** Parses every document found in the text, with the text each one was read from. */
export function parseDocumentsWithText(text: string): ParsedDocumentWithText[] {
  const normalized = normalizeText(text);
  const lines = toLines(normalized);
  const stamps = findStamps(lines);
  const stampLines = new Set<number>();
  for (const s of stamps) for (let k = s.start; k < s.end; k++) stampLines.add(k);
  const out: ParsedDocumentWithText[] = [];
  for (const section of splitDocuments(lines, stampLines)) {
    const result = parseSection(lines, section, stamps);
    if (result.features < 2) continue;
    const slice = (a: number, b: number): string =>
      lines
        .slice(a, b)
        .map((l) => l.text)
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
    out.push({
      document: result.document,
      text: slice(section.start, section.end),
      body: slice(result.bodyStart, result.bodyEnd),
    });
  }
  return out;
}

/** Parses every document found in the text (none for a text without an official header). */
export function parseDocuments(text: string): ParsedDocument[] {
  return parseDocumentsWithText(text).map((d) => d.document);
}
