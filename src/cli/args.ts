// Command-line arguments, parsed with node:util and explained in Vietnamese when wrong.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './main.ts';

/** Turns node:util's (English) parse errors into Vietnamese usage errors. */
export function usageErrorFrom(e: unknown): UsageError {
  const err = e as Error & { code?: string };
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const option = quoted.split(' ')[0] ?? quoted;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`Không có tùy chọn ${option}.`);
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(`Thừa tham số "${quoted}".`);
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return new UsageError(/does not take/.test(err.message) ? `Tùy chọn ${option} không nhận giá trị.` : `Tùy chọn ${option} cần một giá trị.`);
  return new UsageError(`Tham số không hợp lệ: ${err.message}`);
}

/** node:util's parseArgs (strict), with Vietnamese messages. */
export function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw usageErrorFrom(e);
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

export function parseCommandLine(argv: string[], options: OptionSpec, positionals = 0): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const spec = Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, multiple: o.type === 'string' }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: spec, allowPositionals: positionals > 0, strict: true });
  } catch (e) {
    throw usageErrorFrom(e);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [k, v] of Object.entries(parsed.values)) {
    if (Array.isArray(v)) {
      if (v.length > 1) throw new UsageError(`Tùy chọn --${k} chỉ được dùng một lần.`);
      values[k] = v[0] as string;
    } else values[k] = v as boolean;
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`Thừa tham số "${parsed.positionals[positionals]}".`);
  return { values, positionals: parsed.positionals };
}
