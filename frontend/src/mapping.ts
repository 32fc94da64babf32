// The upload's column-mapping step: what the investigator chose, written
// as the importer's mapping file (JSON, which is YAML too).

/** The columns of each kind of sheet (SPEC §2); required ones first. */
export const TABLE_COLUMNS: Record<string, string[]> = {
  organizations: ['id', 'name', 'aliases', 'country', 'role', 'registration_id', 'address', 'founded'],
  persons: ['id', 'name', 'aliases', 'country', 'position'],
  government_bodies: ['id', 'name', 'aliases', 'country', 'kind', 'parent', 'restrictive', 'basis'],
  countries: ['country', 'restrictive', 'name', 'score', 'basis', 'year', 'status', 'territory'],
  links: ['from', 'to', 'type', 'percent', 'role', 'valid_from', 'valid_to', 'evidence'],
  transactions: ['id', 'date', 'buyer', 'seller', 'end_user', 'ship_to', 'product', 'capability', 'quantity', 'value', 'currency'],
  listings: ['entity', 'list', 'program', 'authority', 'listed_from', 'listed_to', 'reason'],
  identity: ['a', 'b', 'decision', 'note', 'decided_by', 'decided_at'],
};

export const TABLES = Object.keys(TABLE_COLUMNS);

/** sheetKey names a sheet in a mapping file: the sheet's name, or a CSV file's name without its extension. */
export function sheetKey(s: { file: string; sheet?: string }): string {
  if (s.sheet) return s.sheet;
  return s.file.replace(/\.[^.]*$/, '');
}

export interface SheetChoice {
  /** the kind chosen for a sheet the importer did not recognise */
  kind?: string;
  /** the row that holds the headers, when the importer could not find it */
  headerRow?: number;
  /** header → canonical column or "ignore" */
  columns: Record<string, string>;
}

/** buildMapping writes the choices as a mapping; empty choices are left out. Null when there is nothing to map. */
export function buildMapping(choices: ReadonlyMap<string, SheetChoice>): string | null {
  const sheets: Record<string, { kind?: string; header_row?: number; columns?: Record<string, string> }> = {};
  for (const [key, c] of [...choices].sort(([a], [b]) => a.localeCompare(b))) {
    const cols = Object.fromEntries(Object.entries(c.columns).filter(([, v]) => v));
    const s: { kind?: string; header_row?: number; columns?: Record<string, string> } = {};
    if (c.kind) s.kind = c.kind;
    if (c.headerRow) s.header_row = c.headerRow;
    if (Object.keys(cols).length) s.columns = cols;
    if (s.kind || s.header_row || s.columns) sheets[key] = s;
  }
  return Object.keys(sheets).length ? JSON.stringify({ sheets }) : null;
}

/** guessColumn suggests a canonical column for a header the importer did not know, or "". */
export function guessColumn(header: string, table: string): string {
  const n = header.toLowerCase().replace(/[^a-z0-9]/g, '');
  const hints: [RegExp, string][] = [
    [/^(firm|firma|company|entity|organi[sz]ation|holder|person|fullname|nom|nombre)/, 'name'],
    [/^(land|nation|jurisdiction|pays|pais|countrycode|iso)/, 'country'],
    [/^(aka|alias|othernames|alsoknownas)/, 'aliases'],
    [/^(owner|parent|holder|source|fromentity|shareholder)/, 'from'],
    [/^(owned|target|subsidiary|toentity|company)/, 'to'],
    [/^(stake|share|pct|holding)/, 'percent'],
    [/^(reg|registr|companynumber|crn)/, 'registration_id'],
    [/^(since|start|from date)/, 'valid_from'],
  ];
  const cols = TABLE_COLUMNS[table] ?? [];
  for (const [re, col] of hints) if (re.test(n) && cols.includes(col)) return col;
  return '';
}

/** A mapping saved under a name (GET /api/v1/mappings). */
export interface SavedMapping {
  name: string;
  mapping: Record<string, unknown>;
  by?: string;
  saved?: string;
}

/**
 * reusableMapping is the mapping to save for the next file of the same partner: the columns chosen
 * for any sheet become headers for every sheet (the next file's name differs), and each sheet keeps
 * its kind and header row under its name. Null when nothing was chosen.
 */
export function reusableMapping(choices: ReadonlyMap<string, SheetChoice>, dateFormat = ''): Record<string, unknown> | null {
  const headers: Record<string, string> = {};
  for (const [, c] of [...choices].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [hdr, col] of Object.entries(c.columns)) if (col) headers[hdr] = col;
  }
  const sheets = JSON.parse(buildMapping(new Map([...choices].map(([k, c]) => [k, { ...c, columns: {} }]))) ?? '{"sheets":{}}').sheets;
  const out: Record<string, unknown> = {};
  if (Object.keys(headers).length) out.headers = headers;
  if (Object.keys(sheets).length) out.sheets = sheets;
  if (dateFormat) out.date_format = dateFormat;
  return Object.keys(out).length ? out : null;
}

/** mergeMappings lays the choices' mapping (JSON, as buildMapping writes it) over a saved one: the choices win. */
export function mergeMappings(saved: Record<string, unknown>, own: string): string {
  const o = JSON.parse(own) as { sheets?: Record<string, unknown>; headers?: Record<string, string> };
  const s = saved as { sheets?: Record<string, unknown>; headers?: Record<string, string> };
  const out: Record<string, unknown> = { ...saved };
  const headers = { ...(s.headers ?? {}), ...(o.headers ?? {}) };
  const sheets = { ...(s.sheets ?? {}), ...(o.sheets ?? {}) };
  if (Object.keys(headers).length) out.headers = headers;
  if (Object.keys(sheets).length) out.sheets = sheets;
  return JSON.stringify(out);
}
