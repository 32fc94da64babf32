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
