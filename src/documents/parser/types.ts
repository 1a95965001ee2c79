// Types of a parsed official-document header. Field names follow the glossary of the product
// brief; the JSON printed by `sotay parse --json` uses the same keys (snake_case where two words).

export const DOCUMENT_KINDS = [
  'nghi_quyet', 'quyet_dinh', 'chi_thi', 'ket_luan', 'quy_che', 'quy_dinh', 'thong_bao',
  'huong_dan', 'chuong_trinh', 'ke_hoach', 'phuong_an', 'de_an', 'bao_cao', 'bien_ban',
  'to_trinh', 'cong_dien', 'cong_van', 'giay_moi', 'thong_tri', 'thong_tu', 'nghi_dinh', 'luat',
  'khac',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type Urgency = 'khan' | 'thuong_khan' | 'hoa_toc';
export type Secrecy = 'mat' | 'toi_mat' | 'tuyet_mat';

/** The incoming-mail stamp (dấu "ĐẾN", Nghị định 30/2020/NĐ-CP Phụ lục IV). */
export interface ReceivedStamp {
  number: string | null;
  date: string | null;
  forwarded_to: string | null;
}

/** One document found in a file, in the exact shape (and key order) printed by `sotay parse --json`. */
export interface ParsedDocument {
  number: string | null;
  symbol: string | null;
  kind: DocumentKind;
  issuer: string | null;
  place: string | null;
  date: string | null;
  urgency: Urgency | null;
  subject: string | null;
  signer: string | null;
  signer_title: string | null;
  references: string[];
  recipients: string[];
  copies_to: string[];
  received: ReceivedStamp | null;
  secrecy: Secrecy | null;
}

/** A parsed document together with the slice of text it was read from. */
export interface ParsedDocumentWithText {
  document: ParsedDocument;
  /** The whole text of this document (header, body, signature), as normalised. */
  text: string;
  /** The body only: from the first paragraph after the header up to the closing block. */
  body: string;
}
