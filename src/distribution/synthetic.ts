// Synthetic publications and reading confirmations for a synthetic province (built on the shared
// generator: COPY through withBulkWriter, an independent random stream so the province itself
// never shifts). For measurements: a province's year of publishing — a few documents to the whole
// province, more to districts, most to communes — and millions of confirmations.
import { sql } from 'drizzle-orm';
import type { Db, DbKind } from '../core/db/client.ts';
import { apportion, streamRng, withBulkWriter, type SyntheticProvince, type SyntheticUnit } from '../core/synthetic/generator.ts';
import type { Requirement } from './schema.ts';

export type SyntheticPublicationsOptions = {
  /** How many publications (default 1,000). */
  publications?: number;
  /** About how many read confirmations in all (default 2,000,000; fewer when the audiences are too small). */
  reads?: number;
  seed?: number;
  /** The day the last one is published (ISO date; default: the province's as-of day). */
  until?: string;
};

export type SyntheticPublications = {
  ids: number[];
  /** Publications to the whole province, with their number of confirmations. */
  provinceWide: { id: number; reads: number }[];
  reads: number;
  ms: number;
};

type Plan = { id: number; unit: SyntheticUnit; from: number; to: number; requirement: Requirement; at: Date; quota: number };

/** The range of `personIds` indexes of the members under a unit (a subtree's cells are consecutive in the plan). */
function memberRange(province: SyntheticProvince, unit: SyntheticUnit): [number, number] {
  let from = Infinity;
  let to = -Infinity;
  for (const c of province.cells) {
    if (!c.path.startsWith(unit.path)) continue;
    from = Math.min(from, c.members.first);
    to = Math.max(to, c.members.first + c.members.count);
  }
  return from === Infinity ? [0, 0] : [from, to];
}

export async function generatePublications(db: Db, kind: DbKind, province: SyntheticProvince, opts: SyntheticPublicationsOptions = {}): Promise<SyntheticPublications> {
  const started = Date.now();
  const n = opts.publications ?? 1000;
  const target = opts.reads ?? 2_000_000;
  const r = streamRng(opts.seed ?? province.seed, 'distribution');
  const until = new Date(`${opts.until ?? province.asOf}T09:00:00+07:00`).getTime();
  const wide = Math.max(1, Math.round(n * 0.02));
  const districtWide = Math.min(n - wide, Math.round(n * 0.08));
  const requirements: Requirement[] = ['read', 'read', 'study', 'study', 'none'];

  return withBulkWriter(db, kind, async (w) => {
    const ids = await w.reserveIds('publications', n);
    const plans: Plan[] = ids.map((id, i) => {
      const unit = i < wide ? province.root : i < wide + districtWide ? province.districts[Math.floor(r() * province.districts.length)]! : province.communes[Math.floor(r() * province.communes.length)]!;
      const [from, to] = memberRange(province, unit);
      // Published over the year before `until`, in id order.
      const at = new Date(until - (n - i) * ((365 * 24 * 3600_000) / n) - Math.floor(r() * 3600_000));
      return { id, unit, from, to, requirement: requirements[Math.floor(r() * requirements.length)]!, at, quota: 0 };
    });
    const sizes = plans.map((p) => p.to - p.from);
    const quotas = apportion(target, sizes.map((s) => s * (0.5 + r())), 0);
    plans.forEach((p, i) => (p.quota = Math.min(quotas[i]!, sizes[i]!)));

    await w.copy(
      'publications',
      ['id', 'unit_id', 'document_id', 'title', 'body', 'requirement', 'reflection', 'due_on', 'audience_role', 'exclude_exempt', 'published_by', 'published_at'],
      plans.map((p, i) => [p.id, p.unit.id, null, `Thông báo số ${i + 1}-TB (tổng hợp)`, `Nội dung thông báo tổng hợp số ${i + 1} gửi ${p.unit.name}.\n\nĐề nghị các đồng chí đảng viên nghiên cứu, thực hiện.`, p.requirement, false, null, 'all', false, null, p.at]),
    );
    await w.copy('publication_audience', ['publication_id', 'unit_id', 'audience_role'], plans.map((p) => [p.id, p.unit.id, 'all']));
    let reads = 0;
    const perPub = new Map<number, number>();
    await w.copy(
      'publication_reads',
      ['publication_id', 'person_id', 'read_at', 'studied_at'],
      (function* () {
        for (const p of plans) {
          const size = p.to - p.from;
          if (size === 0 || p.quota === 0) continue;
          const chance = p.quota / size;
          let count = 0;
          for (let k = p.from; k < p.to; k++) {
            if (r() >= chance) continue;
            const readAt = new Date(p.at.getTime() + Math.floor(r() * 10 * 24 * 3600_000));
            const studied = p.requirement === 'study' && r() < 0.7 ? new Date(readAt.getTime() + Math.floor(r() * 3 * 24 * 3600_000)) : null;
            count++;
            yield [p.id, province.personIds[k]!, readAt, studied];
          }
          reads += count;
          perPub.set(p.id, count);
        }
      })(),
    );
    await w.query('analyze publications, publication_audience, publication_reads');
    return { ids, provinceWide: plans.filter((p) => p.unit.id === province.root.id).map((p) => ({ id: p.id, reads: perPub.get(p.id) ?? 0 })), reads, ms: Date.now() - started };
  });
}

/** How many rows the distribution tables hold (for the bench's log). */
export async function distributionCounts(db: Db): Promise<{ publications: number; audience: number; reads: number }> {
  const rows = (await db.execute(sql`select (select count(*) from publications)::int as p, (select count(*) from publication_audience)::int as a, (select count(*) from publication_reads)::int as r`)) as unknown as { rows: { p: number; a: number; r: number }[] };
  const row = rows.rows[0]!;
  return { publications: Number(row.p), audience: Number(row.a), reads: Number(row.r) };
}
