// The print packet for a cell's meeting: the documents to read on paper and the sign-off sheet.
//
// What can go in a packet is worked out here, never taken from the form: the library documents
// attached to the meeting as materials, and the documents and announcements published to every
// member of the cell (the newest ones). Preselected are the meeting's materials and what not every
// member expected to read it has read yet. Classified documents never appear (isPublishable), and a
// document the cell cannot print is refused even when its id is posted. Generating the PDF is
// audited, with what it held and how many members it listed.
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import type { Locale } from '../core/i18n/i18n.ts';
import type { Unit } from '../org/schema.ts';
import { getUnit } from '../org/tree.ts';
import { listMembers } from '../people/members.ts';
import { documents, type DocumentRow } from '../documents/schema.ts';
import { getDocument, isPublishable } from '../documents/documents.ts';
import { documentMessages } from '../documents/messages.ts';
import { meetings, type Meeting } from '../meetings/schema.ts';
import { listMaterials, nextMeeting } from '../meetings/meetings.ts';
import { publications } from './schema.ts';
import { fieldError, getPublication, loadPubShape, roster, unitPublications } from './publications.ts';
import { packetMessages } from './packet-messages.ts';
import { renderPacketPdf, type PacketDocument, type PacketMember } from './packet-pdf.ts';

/** A packet holds at most this many documents (one sign-off column each, on a landscape A4 page). */
export const MAX_PACKET_ITEMS = 10;
/** How many of the newest publications reaching the cell are offered. */
const RECENT_PUBLICATIONS = 30;

export type PacketCandidate = {
  /** `d<documentId>` for a library document, `p<publicationId>` for an announcement. */
  key: string;
  documentId: number | null;
  publicationId: number | null;
  kind: DocumentRow['kind'] | null;
  number: string | null;
  date: string | null;
  title: string;
  /** Attached to the meeting as a material. */
  fromMeeting: boolean;
  /** Published to the cell: how many of the members expected to read it have done so. */
  reading: { done: number; expected: number } | null;
  preselected: boolean;
};

/** The documents a cell's packet may hold, the meeting's materials first, then what reached the cell, newest first. */
export async function packetCandidates(db: Db, cell: Pick<Unit, 'id' | 'path'>, meeting: Pick<Meeting, 'id'> | null): Promise<PacketCandidate[]> {
  const out = new Map<string, PacketCandidate>();
  const materials = meeting ? (await listMaterials(db, meeting.id)).filter((x) => x.documentId != null) : [];
  const pubs = (await unitPublications(db, cell, { pageSize: RECENT_PUBLICATIONS })).items;
  const pubDocs = pubs.length ? await db.select({ id: publications.id, documentId: publications.documentId }).from(publications).where(inArray(publications.id, pubs.map((p) => p.id))) : [];
  const docOfPub = new Map(pubDocs.map((r) => [r.id, r.documentId]));
  const docIds = [...new Set([...materials.map((x) => x.documentId!), ...pubDocs.map((r) => r.documentId).filter((d): d is number => d != null)])];
  const docs = docIds.length
    ? await db.select({ id: documents.id, kind: documents.kind, number: documents.number, date: documents.date, subject: documents.subject, secrecy: documents.secrecy }).from(documents).where(inArray(documents.id, docIds))
    : [];
  const docById = new Map(docs.filter((d) => isPublishable(d)).map((d) => [d.id, d]));

  for (const x of materials) {
    const d = docById.get(x.documentId!);
    if (!d || out.has(`d${d.id}`)) continue;
    out.set(`d${d.id}`, { key: `d${d.id}`, documentId: d.id, publicationId: null, kind: d.kind, number: d.number, date: d.date, title: d.subject, fromMeeting: true, reading: null, preselected: true });
  }
  for (const p of pubs) {
    const documentId = docOfPub.get(p.id) ?? null;
    const d = documentId != null ? docById.get(documentId) : null;
    if (documentId != null && !d) continue; // classified since, or gone: never offered
    const key = d ? `d${d.id}` : `p${p.id}`;
    const known = out.get(key);
    if (known?.reading) continue; // a newer publication of the same document already counted
    const shape = await loadPubShape(db, p.id);
    const expected = (await roster(db, shape, cell)).filter((r) => r.counted);
    const done = expected.filter((r) => (shape.requirement === 'study' ? r.studiedAt : r.readAt)).length;
    const reading = { done, expected: expected.length };
    if (known) {
      known.reading = reading;
      known.publicationId = p.id;
      continue;
    }
    out.set(key, {
      key,
      documentId: d?.id ?? null,
      publicationId: p.id,
      kind: d?.kind ?? null,
      number: d?.number ?? null,
      date: d?.date ?? null,
      title: d?.subject ?? p.title,
      fromMeeting: false,
      reading,
      preselected: done < expected.length,
    });
  }
  return [...out.values()];
}

/** Everyone who attends the cell (its active members and those attending it on a temporary transfer), sorted the Vietnamese way. */
export async function packetMembers(db: Db, cellId: number): Promise<PacketMember[]> {
  const rows = await listMembers(db, { cellId, limit: 10_000 });
  return rows
    .filter((r) => r.temporaryUnitId === cellId || (r.unitId === cellId && r.status === 'active' && r.temporaryUnitId == null))
    .map((r) => ({ personId: r.personId, fullName: r.fullName, exempt: r.exempt, guest: r.temporaryUnitId === cellId }));
}

export type PacketInput = {
  cell: Unit;
  /** The meeting the packet is for (its time and place go on the cover), or null. */
  meeting: Meeting | null;
  /** Candidate keys, as posted. */
  keys: string[];
  locale?: Locale;
  now?: Date;
};

/** Checks the chosen keys against what the cell may print; the messages name the form field `items`. */
export function checkPacketKeys(keys: string[], candidates: PacketCandidate[], locale: Locale = 'vi'): string[] {
  const m = packetMessages(locale).errors;
  const chosen = [...new Set(keys.map((k) => k.trim()).filter(Boolean))];
  if (chosen.length === 0) throw fieldError({ items: m.none });
  if (chosen.length > MAX_PACKET_ITEMS) throw fieldError({ items: m.tooMany(MAX_PACKET_ITEMS) });
  const known = new Set(candidates.map((c) => c.key));
  if (chosen.some((k) => !known.has(k))) throw fieldError({ items: m.unknown });
  // The packet follows the page's order (materials first), not the order the browser posted.
  return candidates.filter((c) => chosen.includes(c.key)).map((c) => c.key);
}

async function packetDocument(db: Db, key: string, locale: Locale): Promise<PacketDocument> {
  const dm = documentMessages(locale);
  const m = packetMessages(locale).errors;
  const id = Number(key.slice(1));
  if (key.startsWith('d')) {
    const d = await getDocument(db, id);
    // Checked again at printing: a document classified since it was offered is never printed.
    if (!isPublishable(d)) throw fieldError({ items: m.unknown });
    return { kindName: dm.kinds[d.kind], issuer: d.issuer, number: d.number, date: d.date, place: d.place, subject: d.subject, body: d.body, signer: d.signer, signerTitle: d.signerTitle, sentAt: null };
  }
  const p = await getPublication(db, id);
  return { kindName: null, issuer: p.unitName, number: null, date: null, place: null, subject: p.title ?? '', body: p.body ?? '', signer: null, signerTitle: null, sentAt: p.publishedAt };
}

/**
 * Makes the packet's PDF for the cell and records it in the audit log (in one transaction, once
 * the PDF exists). Refuses (a field error on `items`) nothing chosen, too many, or anything the
 * cell may not print.
 */
export async function buildPacket(db: Db, who: ActingContext, input: PacketInput): Promise<{ pdf: Buffer; pages: number; members: number; keys: string[] }> {
  const locale = input.locale ?? 'vi';
  const candidates = await packetCandidates(db, input.cell, input.meeting);
  const keys = checkPacketKeys(input.keys, candidates, locale);
  const docs: PacketDocument[] = [];
  for (const k of keys) docs.push(await packetDocument(db, k, locale));
  const members = await packetMembers(db, input.cell.id);
  const parent = input.cell.parentId != null ? await getUnit(db, input.cell.parentId) : null;
  const meeting = input.meeting;
  const { pdf, pages } = await renderPacketPdf({
    locale,
    cellName: input.cell.name,
    parentName: parent?.name ?? null,
    meeting: meeting ? { title: meeting.title, startsAt: meeting.startsAt, location: meeting.location, topic: meeting.topic } : null,
    documents: docs,
    members,
    printedAt: input.now ?? new Date(),
  });
  await db.transaction(async (tx) => {
    await audit(tx, who, {
      action: 'publication.print_packet',
      entityType: 'unit',
      entityId: input.cell.id,
      unitId: input.cell.id,
      after: {
        meetingId: meeting?.id ?? null,
        documents: keys.filter((k) => k.startsWith('d')).map((k) => Number(k.slice(1))),
        announcements: keys.filter((k) => k.startsWith('p')).map((k) => Number(k.slice(1))),
        members: members.length,
        pages,
      },
    });
  });
  return { pdf, pages, members: members.length, keys };
}

/** The meeting a packet is for: the one asked for (the cell's own, not cancelled: else 'other'), or the cell's next one. */
export async function packetMeeting(db: Db, cellId: number, meetingId: number | undefined): Promise<Meeting | null | 'other'> {
  if (meetingId == null) return nextMeeting(db, cellId);
  const [row] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
  if (!row || row.unitId !== cellId || row.status === 'cancelled') return 'other';
  return row;
}
