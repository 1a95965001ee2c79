// From a directive's numbered items to draft tasks: the documents feature's suggestTasks() reads
// the items; here the names it found ("Ban Tuyên giáo Tỉnh ủy", "Sở Thông và Truyền thông", a
// misprint included) are matched to units of either tree by trigram similarity on folded names,
// and the units a clerk may pick from are gathered for the form.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';
import { units, type Unit } from '../org/schema.ts';
import { suggestTasks, type SuggestedTask } from '../documents/parser/suggest-tasks.ts';

function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (const word of s.split(/[^a-z0-9]+/).filter(Boolean)) {
    const w = `  ${word} `;
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  }
  return out;
}

/** pg_trgm's similarity, on names folded the app's way (NFD, marks stripped, đ → d). */
export function similarity(a: string, b: string): number {
  const ta = trigrams(foldVietnamese(a));
  const tb = trigrams(foldVietnamese(b));
  if (ta.size === 0 || tb.size === 0) return 0;
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  return common / (ta.size + tb.size - common);
}

export type UnitCandidate = Pick<Unit, 'id' | 'name' | 'shortName' | 'tree' | 'kind' | 'depth' | 'path'>;
const candidateColumns = { id: units.id, name: units.name, shortName: units.shortName, tree: units.tree, kind: units.kind, depth: units.depth, path: units.path };

/** Units a name may refer to: every active unit outside the external tree, cells excepted. */
export async function matchableUnits(db: Db): Promise<UnitCandidate[]> {
  return db
    .select(candidateColumns)
    .from(units)
    .where(and(eq(units.status, 'active'), ne(units.tree, 'external'), ne(units.kind, 'cell')))
    .orderBy(asc(units.path));
}

const MATCH_THRESHOLD = 0.5;

/** The unit a printed name most likely means (or null when nothing is close enough). */
export function bestMatch(name: string, candidates: UnitCandidate[]): UnitCandidate | null {
  let best: UnitCandidate | null = null;
  let score = 0;
  // "các sở, ban, ngành", "các huyện ủy": a group, not one unit.
  if (/^(các|những|toàn|mỗi)\s/iu.test(name.trim())) return null;
  for (const c of candidates) {
    const s = Math.max(similarity(name, c.name), c.shortName ? similarity(name, c.shortName) : 0);
    if (s > score || (s === score && best && c.depth < best.depth)) {
      score = s;
      best = c;
    }
  }
  return score >= MATCH_THRESHOLD ? best : null;
}

/** One draft task per lead unit an item names (each lead reports on its own task). */
export type DraftTask = SuggestedTask & { leadName: string | null; leadUnitId: number | null; supportUnitIds: number[]; unmatched: string[] };

/** suggestTasks() over a document's body, one draft per named lead, each name matched to a unit. */
export async function draftTasks(db: Db, doc: { body: string; date: string | null }): Promise<DraftTask[]> {
  const suggestions = suggestTasks({ body: doc.body, date: doc.date });
  if (suggestions.length === 0) return [];
  const candidates = await matchableUnits(db);
  const drafts: DraftTask[] = [];
  for (const s of suggestions) {
    const supports = s.support.map((name) => ({ name, unit: bestMatch(name, candidates) }));
    const leads = s.lead.length ? s.lead.map((name) => ({ name, unit: bestMatch(name, candidates) })) : [{ name: null, unit: null }];
    for (const lead of leads) {
      if (lead.name != null && lead.name.trim().length < 4) continue; // a fragment ("các") is not a unit
      drafts.push({
        ...s,
        leadName: lead.name,
        leadUnitId: lead.unit?.id ?? null,
        supportUnitIds: [...new Set(supports.map((x) => x.unit?.id).filter((x): x is number => x != null && x !== lead.unit?.id))],
        unmatched: [...(lead.name && !lead.unit ? [lead.name] : []), ...supports.filter((x) => !x.unit).map((x) => x.name)],
      });
    }
  }
  return drafts;
}

/**
 * The units offered in a task form: the assigning unit's subtree two levels down, and the top
 * two levels of every other tree (state bodies, the front) — assignment may cross the trees.
 */
export async function assignableUnits(db: Db, assigning: Pick<Unit, 'id' | 'path' | 'depth' | 'tree'>): Promise<UnitCandidate[]> {
  return db
    .select(candidateColumns)
    .from(units)
    .where(
      and(
        eq(units.status, 'active'),
        ne(units.tree, 'external'),
        sql`((${units.path} like ${`${assigning.path}%`} and ${units.depth} <= ${assigning.depth + 2} and ${units.id} <> ${assigning.id}) or (${units.tree} <> ${assigning.tree} and ${units.depth} <= 1 and ${units.kind} <> 'cell'))`,
      ),
    )
    .orderBy(sql`case ${units.tree} when ${assigning.tree} then 0 else 1 end`, asc(units.path));
}

/** Active units of one kind below a unit (for "every commune", "every cell"). */
export async function unitsOfKindBelow(db: Db, under: Pick<Unit, 'path' | 'id'>, kind: Unit['kind']): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(and(sql`${units.path} like ${`${under.path}%`}`, ne(units.id, under.id), eq(units.kind, kind), eq(units.status, 'active')))
    .orderBy(asc(units.path));
}
