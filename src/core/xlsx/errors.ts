// One error type for every way a spreadsheet can be refused, each with a message in the
// user's language. It is a DomainError ('invalid', 422), so an unhandled one still reaches the
// user as a clear page rather than a server error.
import { DomainError } from '../errors.ts';
import type { Locale } from '../i18n/i18n.ts';
import { formatNumber } from '../i18n/i18n.ts';
import { spreadsheetMessages } from './messages.ts';

export type SpreadsheetProblem =
  | { reason: 'empty' | 'xls' | 'xlsb' | 'ods' | 'word' | 'pdf' | 'image' | 'html' | 'unsupported' | 'encoding' | 'corrupt' | 'inflatesTooLarge' | 'noWorksheet' | 'noRows' }
  | { reason: 'tooLarge'; maxBytes: number }
  | { reason: 'csvMalformed'; line: number }
  | { reason: 'noSheet'; name: string }
  | { reason: 'noHeader'; expected: string[] }
  | { reason: 'tooManyRows'; max: number };

export function spreadsheetProblemMessage(p: SpreadsheetProblem, locale: Locale): string {
  const m = spreadsheetMessages(locale);
  switch (p.reason) {
    case 'tooLarge': {
      const mb = p.maxBytes / 1048576;
      return m.tooLarge(formatNumber(Math.round(mb * 100) / 100, locale));
    }
    case 'csvMalformed':
      return m.csvMalformed(p.line);
    case 'noSheet':
      return m.noSheet(p.name);
    case 'noHeader':
      return m.noHeader(p.expected.map((e) => `"${e}"`).join(', '));
    case 'tooManyRows':
      return m.tooManyRows(formatNumber(p.max, locale));
    default:
      return m[p.reason];
  }
}

export class SpreadsheetError extends DomainError {
  constructor(readonly problem: SpreadsheetProblem) {
    super('invalid', spreadsheetProblemMessage(problem, 'vi'), { code: `spreadsheet_${problem.reason}` });
  }
  /** The message in the reader's language. */
  localized(locale: Locale): string {
    return spreadsheetProblemMessage(this.problem, locale);
  }
}
