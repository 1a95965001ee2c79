// What a logical backup needs to know about the schema, read from the database's own catalog so
// that every table a feature adds is included without being listed anywhere: the tables of the
// `public` schema with their columns, the order foreign keys impose, and the sequences behind
// serial and identity columns. The same queries run on PGlite and on PostgreSQL.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';

export type ColumnInfo = { name: string; type: string; identity: '' | 'a' | 'd'; generated: boolean };
export type TableInfo = { name: string; columns: ColumnInfo[]; primaryKey: string[] };
export type ForeignKey = { name: string; table: string; columns: string[]; refTable: string; refColumns: string[] };
export type SequenceInfo = { table: string; column: string; sequence: string };
export type Catalog = {
  /** Every table, parents before the tables that reference them. */
  tables: TableInfo[];
  foreignKeys: ForeignKey[];
  sequences: SequenceInfo[];
};

/** Double-quotes an identifier the way PostgreSQL does. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function readCatalog(db: Db): Promise<Catalog> {
  const columns = await queryRows<{ table: string; column: string; type: string; identity: string; generated: string }>(
    db,
    sql`select c.relname::text as "table", a.attname::text as "column", format_type(a.atttypid, a.atttypmod) as "type",
               a.attidentity::text as "identity", a.attgenerated::text as "generated"
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and a.attnum > 0 and not a.attisdropped
        order by c.relname, a.attnum`,
  );
  const keys = await queryRows<{ table: string; columns: string[] }>(
    db,
    sql`select c.relname::text as "table",
               (select json_agg(a.attname::text order by k.ord) from unnest(i.indkey) with ordinality as k(attnum, ord)
                  join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum) as "columns"
        from pg_index i
        join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and i.indisprimary`,
  );
  const fks = await queryRows<{ name: string; table: string; refTable: string; columns: string[]; refColumns: string[] }>(
    db,
    sql`select con.conname::text as "name", c.relname::text as "table", rc.relname::text as "refTable",
               (select json_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality as k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as "columns",
               (select json_agg(a.attname::text order by k.ord) from unnest(con.confkey) with ordinality as k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as "refColumns"
        from pg_constraint con
        join pg_class c on c.oid = con.conrelid
        join pg_namespace n on n.oid = c.relnamespace
        join pg_class rc on rc.oid = con.confrelid
        where con.contype = 'f' and n.nspname = 'public'
        order by c.relname, con.conname`,
  );
  const sequences = await queryRows<SequenceInfo>(
    db,
    sql`select t."table", t."column", t."sequence" from (
          select c.relname::text as "table", a.attname::text as "column",
                 pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname::text) as "sequence"
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid
          where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped) t
        where t."sequence" is not null
        order by t."table", t."column"`,
  );

  const byName = new Map<string, TableInfo>();
  for (const c of columns) {
    let t = byName.get(c.table);
    if (!t) byName.set(c.table, (t = { name: c.table, columns: [], primaryKey: [] }));
    t.columns.push({ name: c.column, type: c.type, identity: (c.identity || '') as ColumnInfo['identity'], generated: c.generated !== '' && c.generated != null });
  }
  for (const k of keys) {
    const t = byName.get(k.table);
    if (t) t.primaryKey = k.columns;
  }
  return { tables: foreignKeyOrder([...byName.values()], fks), foreignKeys: fks, sequences };
}

/**
 * Orders tables so that every table comes after the tables it references (a table referencing
 * itself — units.parent_id — is handled row by row at restore). Ties go alphabetically, so the
 * order is the same on every database.
 */
export function foreignKeyOrder(tables: TableInfo[], fks: ForeignKey[]): TableInfo[] {
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const fk of fks) if (fk.table !== fk.refTable && parents.has(fk.table) && parents.has(fk.refTable)) parents.get(fk.table)!.add(fk.refTable);
  const done = new Set<string>();
  const ordered: TableInfo[] = [];
  const remaining = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (remaining.length) {
    const i = remaining.findIndex((t) => [...parents.get(t.name)!].every((p) => done.has(p)));
    if (i < 0) throw new Error(`Khóa ngoại tạo thành vòng giữa các bảng: ${remaining.map((t) => t.name).join(', ')}. Sao lưu chưa hỗ trợ trường hợp này.`);
    const [t] = remaining.splice(i, 1);
    done.add(t!.name);
    ordered.push(t!);
  }
  return ordered;
}

/** The migrations applied to this database (drizzle's journal table), oldest first. */
export async function appliedMigrations(db: Db): Promise<string[] | null> {
  const [exists] = await queryRows<{ ok: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "ok"`);
  if (!exists?.ok) return null;
  const rows = await queryRows<{ hash: string }>(db, sql`select hash from drizzle.__drizzle_migrations order by created_at, id`);
  return rows.map((r) => r.hash);
}
