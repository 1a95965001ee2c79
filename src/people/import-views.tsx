// Pages of the member import: upload, preview (every row's problems by row and column),
// progress (refreshes itself, also without JavaScript) and result.
import type { RequestContext } from '../core/http/context.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Form, Pager } from '../core/layout/components.tsx';
import { defineMessages, formatDate, formatDateTime, formatNumber } from '../core/i18n/i18n.ts';
import type { Unit } from '../org/schema.ts';
import { peopleAdminMessages, peopleMessages } from './messages.ts';
import { columnLetter, MEMBER_COLUMNS, type ImportAnalysis, type MemberColumn, type MemberImport } from './import.ts';

export const importViewMessages = defineMessages(
  {
    title: 'Nhập đảng viên từ tệp',
    exportTitle: 'Xuất danh sách',
    intro: 'Tải lên danh sách đảng viên dạng Excel (.xlsx) hoặc CSV (.csv), mỗi đảng viên một dòng, dòng đầu là tiêu đề cột. Sổ tay kiểm tra từng dòng và cho đồng chí xem trước; chưa có gì được ghi cho đến khi đồng chí xác nhận.',
    columnsTitle: 'Các cột được nhận',
    columnsHint: 'Tên cột viết có dấu hay không dấu đều được; chỉ cột "Họ và tên" là bắt buộc. Ngày viết theo dạng ngày/tháng/năm (02/09/1975) hoặc để ở dạng ngày của Excel.',
    intoCell: (name: string) => `Mọi đảng viên trong tệp sẽ được nhập vào ${name}.`,
    intoCommittee: (name: string) => `Cột "Chi bộ" cho biết mỗi đảng viên thuộc chi bộ nào của ${name} (ghi tên chi bộ, có dấu hay không dấu, hoặc mã chi bộ).`,
    template: 'Tải tệp mẫu (.xlsx)',
    file: 'Tệp danh sách (.xlsx hoặc .csv)',
    fileHint: (mb: string) => `Tối đa ${mb} MB.`,
    upload: 'Tải lên và kiểm tra',
    chooseFile: 'Hãy chọn một tệp .xlsx hoặc .csv để tải lên.',
    previewTitle: 'Xem trước khi nhập',
    summary: 'Tóm tắt',
    fileName: 'Tệp',
    format: 'Định dạng',
    sheet: 'Trang tính',
    headerRow: 'Dòng tiêu đề',
    totalRows: 'Số dòng dữ liệu',
    validRows: 'Dòng hợp lệ',
    errorRows: 'Dòng có lỗi',
    warningRows: 'Dòng chỉ có lưu ý',
    into: 'Nhập vào',
    problemsTitle: 'Lỗi và lưu ý theo từng dòng',
    problemsCaption: 'Lỗi phải sửa trong tệp; lưu ý không ngăn việc nhập.',
    row: 'Dòng',
    column: 'Cột',
    problem: 'Nội dung',
    error: 'Lỗi',
    warning: 'Lưu ý',
    columnAt: (at: string, header: string) => `${at} (${header})`,
    wholeRow: 'cả dòng',
    noProblems: 'Không có lỗi nào. Mọi dòng đều hợp lệ.',
    sampleTitle: (n: number) => `${n} dòng đầu sẽ được nhập`,
    confirmTitle: 'Xác nhận',
    importAll: (n: string) => `Nhập ${n} đảng viên`,
    hasErrors: (n: string) => `Tệp còn ${n} dòng có lỗi. Chưa có gì được ghi: hãy sửa tệp rồi tải lên lại, hoặc chỉ nhập các dòng hợp lệ (các dòng có lỗi sẽ bị bỏ qua).`,
    importValid: (n: string) => `Chỉ nhập các dòng hợp lệ (${n} dòng)`,
    nothingValid: 'Không có dòng hợp lệ nào để nhập. Hãy sửa tệp rồi tải lên lại.',
    uploadAgain: 'Tải tệp khác lên',
    allNeedValid: 'Tệp còn dòng có lỗi, nên không thể nhập tất cả. Hãy sửa tệp, hoặc chọn "Chỉ nhập các dòng hợp lệ".',
    confirmValid: 'Các dòng có lỗi sẽ bị bỏ qua. Tiếp tục?',
    progressTitle: 'Đang nhập đảng viên',
    queued: 'Đang chờ đến lượt chạy…',
    running: 'Đang ghi vào cơ sở dữ liệu. Mọi dòng được ghi cùng một lúc: hoặc tất cả, hoặc không dòng nào.',
    progressLabel: 'Tiến độ',
    progressText: (done: string, total: string) => `${done} / ${total} dòng`,
    refreshHint: 'Trang tự tải lại sau vài giây.',
    reload: 'Tải lại',
    retrying: (n: number) => `Lần thử trước không thành công; đang thử lại (lần ${n}).`,
    doneTitle: 'Đã nhập xong',
    done: (n: string, unit: string) => `Đã nhập ${n} đảng viên vào ${unit}.`,
    skipped: (n: string) => `${n} dòng có lỗi đã bị bỏ qua.`,
    finishedAt: 'Hoàn thành lúc',
    viewMembers: 'Xem danh sách đảng viên',
    failedTitle: 'Không nhập được',
    formats: { xlsx: 'Excel (.xlsx)', csv: 'CSV' },
    standing: 'Chính thức/Dự bị',
  },
  {
    title: 'Import members from a file',
    exportTitle: 'Export the list',
    intro: 'Upload a member list as Excel (.xlsx) or CSV (.csv), one member per row, with the column headers in the first row. Sổ tay checks every row and shows you a preview; nothing is written until you confirm.',
    columnsTitle: 'Accepted columns',
    columnsHint: 'Column names may be written with or without diacritics; only "Họ và tên" (full name) is required. Write dates as day/month/year (02/09/1975) or keep them as Excel dates.',
    intoCell: (name: string) => `Every member in the file will be imported into ${name}.`,
    intoCommittee: (name: string) => `The "Chi bộ" column says which cell of ${name} each member belongs to (the cell's name, with or without diacritics, or its code).`,
    template: 'Download the template (.xlsx)',
    file: 'List file (.xlsx or .csv)',
    fileHint: (mb: string) => `At most ${mb} MB.`,
    upload: 'Upload and check',
    chooseFile: 'Choose an .xlsx or .csv file to upload.',
    previewTitle: 'Preview before importing',
    summary: 'Summary',
    fileName: 'File',
    format: 'Format',
    sheet: 'Sheet',
    headerRow: 'Header row',
    totalRows: 'Data rows',
    validRows: 'Valid rows',
    errorRows: 'Rows with errors',
    warningRows: 'Rows with warnings only',
    into: 'Into',
    problemsTitle: 'Errors and warnings by row',
    problemsCaption: 'Errors must be fixed in the file; warnings do not prevent the import.',
    row: 'Row',
    column: 'Column',
    problem: 'Problem',
    error: 'Error',
    warning: 'Warning',
    columnAt: (at: string, header: string) => `${at} (${header})`,
    wholeRow: 'whole row',
    noProblems: 'No errors. Every row is valid.',
    sampleTitle: (n: number) => `The first ${n} rows to be imported`,
    confirmTitle: 'Confirm',
    importAll: (n: string) => `Import ${n} members`,
    hasErrors: (n: string) => `${n} rows still have errors. Nothing has been written: fix the file and upload it again, or import only the valid rows (rows with errors are skipped).`,
    importValid: (n: string) => `Import only the valid rows (${n})`,
    nothingValid: 'There is no valid row to import. Fix the file and upload it again.',
    uploadAgain: 'Upload another file',
    allNeedValid: 'Some rows have errors, so not everything can be imported. Fix the file, or choose "Import only the valid rows".',
    confirmValid: 'Rows with errors will be skipped. Continue?',
    progressTitle: 'Importing members',
    queued: 'Waiting for its turn…',
    running: 'Writing to the database. All rows are written together: all of them or none.',
    progressLabel: 'Progress',
    progressText: (done: string, total: string) => `${done} / ${total} rows`,
    refreshHint: 'This page reloads itself in a few seconds.',
    reload: 'Reload',
    retrying: (n: number) => `The previous attempt failed; trying again (attempt ${n}).`,
    doneTitle: 'Import finished',
    done: (n: string, unit: string) => `Imported ${n} members into ${unit}.`,
    skipped: (n: string) => `${n} rows with errors were skipped.`,
    finishedAt: 'Finished at',
    viewMembers: 'See the member list',
    failedTitle: 'Import failed',
    formats: { xlsx: 'Excel (.xlsx)', csv: 'CSV' },
    standing: 'Official/probationary',
  },
);

export const PROBLEMS_PER_PAGE = 200;
export const REFRESH_SECONDS = 3;

function crumbs(rc: RequestContext, unit: Unit, here: string) {
  const m = peopleAdminMessages(rc.locale);
  return <Breadcrumbs items={[{ href: '/admin', label: m.adminTitle }, { href: `/admin/people?unit=${unit.id}`, label: unit.name }, { label: here }]} />;
}

export function ImportUploadPage(p: { rc: RequestContext; unit: Unit; error?: string }) {
  const { rc, unit } = p;
  const v = importViewMessages(rc.locale);
  const mb = formatNumber(Math.round((rc.config.maxUploadBytes / 1048576) * 100) / 100, rc.locale);
  return (
    <Layout rc={rc} title={`${v.title} · ${unit.name}`}>
      {crumbs(rc, unit, v.title)}
      <h1>
        {v.title}: {unit.name}
      </h1>
      <ErrorSummary rc={rc} errors={p.error ? { file: p.error } : undefined} labels={{ file: v.file }} />
      <p>{v.intro}</p>
      <p>{unit.kind === 'cell' ? v.intoCell(unit.name) : v.intoCommittee(unit.name)}</p>
      <Form rc={rc} action={`/admin/people/import?unit=${unit.id}`} multipart>
        <div class={`field${p.error ? ' field-error' : ''}`}>
          <label for="f-file">{v.file}</label>
          <p class="hint" id="f-file-hint">
            {v.fileHint(mb)}
          </p>
          {p.error ? (
            <p class="error" id="f-file-error">
              {p.error}
            </p>
          ) : null}
          <input
            id="f-file"
            name="file"
            type="file"
            required
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            aria-describedby={p.error ? 'f-file-hint f-file-error' : 'f-file-hint'}
            aria-invalid={p.error ? 'true' : undefined}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            {v.upload}
          </button>
          <a class="button" href={`/admin/people/import/template.xlsx?unit=${unit.id}`}>
            {v.template}
          </a>
        </div>
      </Form>
      <h2>{v.columnsTitle}</h2>
      <p class="hint">{v.columnsHint}</p>
      <ul>
        {MEMBER_COLUMNS.map((c) => (
          <li key={c.key}>
            <strong>{c.label}</strong>
            {c.aliases?.some((a) => /[^ -~]/.test(a)) ? <span class="muted"> — {c.aliases.filter((a) => /[^ -~]/.test(a)).slice(0, 3).join(', ')}</span> : null}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/** "B (Ngày sinh)" for a column the file has; our own label for one it lacks. */
function columnName(rc: RequestContext, a: ImportAnalysis, key: MemberColumn | null): string {
  const v = importViewMessages(rc.locale);
  if (!key) return v.wholeRow;
  const c = a.columns.find((x) => x.key === key);
  const label = MEMBER_COLUMNS.find((x) => x.key === key)?.label ?? key;
  if (!c) return label;
  // Letters as Excel shows them, also for a CSV file (which is opened in Excel).
  return v.columnAt(columnLetter(c.index), c.header);
}

function Summary(p: { rc: RequestContext; unit: Unit; imp: MemberImport; a: ImportAnalysis }) {
  const { rc, a } = p;
  const v = importViewMessages(rc.locale);
  const n = (x: number) => formatNumber(x, rc.locale);
  return (
    <dl class="record">
      <dt>{v.fileName}</dt>
      <dd>{p.imp.fileName}</dd>
      <dt>{v.into}</dt>
      <dd>{p.unit.name}</dd>
      <dt>{v.format}</dt>
      <dd>
        {v.formats[a.format]}
        {a.format === 'xlsx' ? ` — ${v.sheet} "${a.sheetName}"` : ''}
      </dd>
      <dt>{v.headerRow}</dt>
      <dd>{a.headerRow}</dd>
      <dt>{v.totalRows}</dt>
      <dd>{n(a.totalRows)}</dd>
      <dt>{v.validRows}</dt>
      <dd>{n(a.validRows)}</dd>
      <dt>{v.errorRows}</dt>
      <dd>{n(a.errorRows)}</dd>
      <dt>{v.warningRows}</dt>
      <dd>{n(a.warningRows)}</dd>
    </dl>
  );
}

function Problems(p: { rc: RequestContext; a: ImportAnalysis; page: number; href: (page: number) => string }) {
  const { rc, a } = p;
  const v = importViewMessages(rc.locale);
  const clean = a.errorRows === 0 && !a.failure ? <p>{v.noProblems}</p> : null;
  if (a.rows.length === 0) return clean;
  const start = (p.page - 1) * PROBLEMS_PER_PAGE;
  const rows = a.rows.slice(start, start + PROBLEMS_PER_PAGE);
  return (
    <>
      {clean}
      {/* Focusable so a keyboard can scroll it sideways on a phone. */}
      <div class="table-wrap" tabIndex={0} role="region" aria-label={v.problemsTitle}>
        <table>
          <caption class="muted">{v.problemsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{v.row}</th>
              <th scope="col">{peopleMessages(rc.locale).fields.fullName}</th>
              <th scope="col">{v.column}</th>
              <th scope="col">{v.problem}</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((r) =>
              [...r.errors.map((e) => ({ ...e, kind: 'error' as const })), ...r.warnings.map((w) => ({ ...w, kind: 'warning' as const }))].map((issue, i) => (
                <tr key={`${r.row}-${i}`} class={issue.kind === 'error' ? 'row-error' : 'row-warning'}>
                  {i === 0 ? (
                    <th scope="row" rowSpan={r.errors.length + r.warnings.length}>
                      {r.row}
                    </th>
                  ) : null}
                  {i === 0 ? <td rowSpan={r.errors.length + r.warnings.length}>{r.name}</td> : null}
                  <td>{columnName(rc, a, issue.column)}</td>
                  <td>
                    <strong class={issue.kind === 'error' ? 'error' : undefined}>{issue.kind === 'error' ? v.error : v.warning}:</strong> {issue.message}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <Pager rc={rc} page={p.page} hasMore={start + PROBLEMS_PER_PAGE < a.rows.length} href={p.href} />
    </>
  );
}

function Notices(p: { notices: string[]; failure?: string | undefined }) {
  return (
    <>
      {p.failure ? (
        <div class="error-summary" role="alert">
          <p>
            <strong>{p.failure}</strong>
          </p>
        </div>
      ) : null}
      {p.notices.map((n, i) => (
        <p class="notice" key={i}>
          {n}
        </p>
      ))}
    </>
  );
}

export function ImportPreviewPage(p: { rc: RequestContext; unit: Unit; imp: MemberImport; analysis: ImportAnalysis; page: number; error?: string }) {
  const { rc, unit, imp, analysis: a } = p;
  const v = importViewMessages(rc.locale);
  const f = peopleMessages(rc.locale);
  const n = (x: number) => formatNumber(x, rc.locale);
  return (
    <Layout rc={rc} title={`${v.previewTitle} · ${unit.name}`}>
      {crumbs(rc, unit, v.previewTitle)}
      <h1>{v.previewTitle}</h1>
      <ErrorSummary rc={rc} errors={p.error ? { _form: p.error } : undefined} />
      <Summary rc={rc} unit={unit} imp={imp} a={a} />
      <Notices notices={a.notices} failure={a.failure} />
      <h2>{v.confirmTitle}</h2>
      {a.errorRows === 0 && a.validRows > 0 ? (
        <Form rc={rc} action={`/admin/people/import/${imp.id}/confirm`}>
          <input type="hidden" name="mode" value="all" />
          <div class="actions">
            <button type="submit" class="primary">
              {v.importAll(n(a.validRows))}
            </button>
            <a class="button" href={`/admin/people/import?unit=${unit.id}`}>
              {v.uploadAgain}
            </a>
          </div>
        </Form>
      ) : (
        <>
          <p class="notice">{a.validRows > 0 ? v.hasErrors(n(a.errorRows)) : v.nothingValid}</p>
          <Form rc={rc} action={`/admin/people/import/${imp.id}/confirm`} confirm={v.confirmValid}>
            <input type="hidden" name="mode" value="valid" />
            <div class="actions">
              <a class="button primary" href={`/admin/people/import?unit=${unit.id}`}>
                {v.uploadAgain}
              </a>
              {a.validRows > 0 ? <button type="submit">{v.importValid(n(a.validRows))}</button> : null}
            </div>
          </Form>
        </>
      )}
      <h2>{v.problemsTitle}</h2>
      <Problems rc={rc} a={a} page={p.page} href={(page) => `/admin/people/import/${imp.id}?page=${page}`} />
      {a.sample.length > 0 ? (
        <>
          <h2>{v.sampleTitle(a.sample.length)}</h2>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={v.sampleTitle(a.sample.length)}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{v.row}</th>
                  <th scope="col">{f.fields.fullName}</th>
                  <th scope="col">{f.fields.birthDate}</th>
                  <th scope="col">{f.fields.cardNumber}</th>
                  <th scope="col">{f.fields.unit}</th>
                  <th scope="col">{v.standing}</th>
                </tr>
              </thead>
              <tbody>
                {a.sample.map((s) => (
                  <tr key={s.row}>
                    <td>{s.row}</td>
                    <td>{s.fullName}</td>
                    <td>{formatDate(s.birthDate)}</td>
                    <td>{s.cardNumber ?? ''}</td>
                    <td>{s.unitName}</td>
                    <td>{f.standings[s.standing]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Layout>
  );
}

export type JobState = { status: string; attempts: number; progress: unknown } | null;

export function ImportProgressPage(p: { rc: RequestContext; unit: Unit; imp: MemberImport; job: JobState }) {
  const { rc, unit, imp, job } = p;
  const v = importViewMessages(rc.locale);
  const progress = (job?.progress ?? null) as { done?: number; total?: number } | null;
  const total = progress?.total ?? imp.validRows;
  const done = imp.status === 'running' ? Math.min(progress?.done ?? 0, total) : 0;
  return (
    <Layout rc={rc} title={v.progressTitle}>
      {crumbs(rc, unit, v.progressTitle)}
      <h1>{v.progressTitle}</h1>
      <div data-refresh-seconds={String(REFRESH_SECONDS)} role="status">
        <p>{imp.status === 'queued' ? v.queued : v.running}</p>
        {job && job.attempts > 1 ? <p class="notice">{v.retrying(job.attempts)}</p> : null}
        <label for="import-progress">{v.progressLabel}</label>{' '}
        <progress id="import-progress" class="progress" max={String(Math.max(total, 1))} value={String(done)}>
          {v.progressText(formatNumber(done, rc.locale), formatNumber(total, rc.locale))}
        </progress>
        <p>{v.progressText(formatNumber(done, rc.locale), formatNumber(total, rc.locale))}</p>
      </div>
      <p class="hint">{v.refreshHint}</p>
      <p>
        <a class="button" href={`/admin/people/import/${imp.id}`}>
          {v.reload}
        </a>
      </p>
    </Layout>
  );
}

export function ImportResultPage(p: { rc: RequestContext; unit: Unit; imp: MemberImport; analysis: ImportAnalysis | null; page: number }) {
  const { rc, unit, imp, analysis: a } = p;
  const v = importViewMessages(rc.locale);
  const n = (x: number) => formatNumber(x, rc.locale);
  const ok = imp.status === 'done';
  const skipped = a ? a.totalRows - imp.importedRows : 0;
  return (
    <Layout rc={rc} title={ok ? v.doneTitle : v.failedTitle}>
      {crumbs(rc, unit, ok ? v.doneTitle : v.failedTitle)}
      <h1>{ok ? v.doneTitle : v.failedTitle}</h1>
      {ok ? (
        <p class="flash" role="status">
          {v.done(n(imp.importedRows), unit.name)}
          {skipped > 0 ? ` ${v.skipped(n(skipped))}` : ''}
        </p>
      ) : null}
      {imp.finishedAt ? (
        <p class="muted">
          {v.finishedAt}: {formatDateTime(imp.finishedAt)}
        </p>
      ) : null}
      {a ? <Summary rc={rc} unit={unit} imp={imp} a={a} /> : null}
      {a ? <Notices notices={ok ? [] : a.notices} failure={ok ? undefined : a.failure} /> : null}
      <div class="actions">
        <a class="button primary" href={`/admin/people?unit=${unit.id}`}>
          {v.viewMembers}
        </a>
        {!ok ? (
          <a class="button" href={`/admin/people/import?unit=${unit.id}`}>
            {v.uploadAgain}
          </a>
        ) : null}
      </div>
      {a && a.rows.length > 0 ? (
        <>
          <h2>{v.problemsTitle}</h2>
          <Problems rc={rc} a={a} page={p.page} href={(page) => `/admin/people/import/${imp.id}?page=${page}`} />
        </>
      ) : null}
    </Layout>
  );
}
