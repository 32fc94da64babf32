// The shapes of the HTTP API (api/openapi.yaml), as the UI reads them.

export type Kind = 'organization' | 'person' | 'government_body';
export type LinkType = 'OWNS' | 'CONTROLS' | 'SUPPLIES' | 'PART_OF' | 'OFFICER_OF' | 'RELATED_TO' | 'AGENT_OF';
export type Severity = 'critical' | 'high' | 'medium' | 'none';
export type Status = 'open' | 'confirmed' | 'cleared';

export const LINK_TYPES: LinkType[] = ['OWNS', 'CONTROLS', 'SUPPLIES', 'PART_OF', 'OFFICER_OF', 'RELATED_TO', 'AGENT_OF'];

export interface Source {
  upload: string;
  file: string;
  sheet?: string;
  row: number;
  evidence?: string;
}

export interface Entity {
  id: string;
  kind: Kind;
  name: string;
  aliases?: string[];
  country?: string;
  role?: string;
  registration_id?: string;
  address?: string;
  founded?: string;
  position?: string;
  body_kind?: string;
  restrictive?: boolean;
  basis?: string;
  source: Source;
}

export interface Ref {
  id: string;
  name: string;
  country?: string;
  label?: 'Organization' | 'Person' | 'GovernmentBody' | string;
}

export interface Link {
  type: LinkType;
  from: string;
  to: string;
  percent?: number | null;
  /** the top of a range of shares (BODS 75–100%); percent is its minimum. */
  percent_max?: number | null;
  role?: string;
  valid_from?: string;
  valid_to?: string;
  source: Source;
}

/** A sanctions or export-control list. */
export interface List {
  id: string;
  name: string;
  authority?: string;
  source: Source;
}

/** An entity on a list, under a program, for a period. */
export interface Listing {
  entity: string;
  list: string;
  program?: string;
  authority?: string;
  listed_from?: string;
  listed_to?: string;
  reason?: string;
  source: Source;
}

export interface Subgraph {
  entities: Entity[];
  links: Link[];
  listings?: Listing[];
  truncated: boolean;
}

export interface EntityDetail {
  entity: Entity;
  links: Link[];
  related: Record<string, Ref>;
  listings?: Listing[];
  lists?: Record<string, List>;
}

/** A transaction an entity takes part in, with the parts it takes and its flag. */
export interface EntityTransaction {
  transaction: Transaction;
  roles: ('buyer' | 'seller' | 'end_user')[];
  flag: Flag | null;
}

/** The shortest chain of links between two entities; links[i] joins entities[i] and entities[i+1], either way. */
export interface Connection {
  found: boolean;
  entities: Ref[];
  links: Link[];
  max_hops: number;
  date: string;
}

export interface PathStep extends Link {
  step: string;
}

export interface Exposure {
  end_user: Ref;
  hops: number;
  path: Ref[];
  steps: PathStep[];
}

export interface Assessment {
  severity: Severity;
  verdict: 'block' | 'review' | 'clear' | 'unknown'; // unknown: screening only
  reasons: string[];
  exposures: Exposure[];
  effective_ownership: number | null;
  ownership_paths?: Exposure[];
}

/** One difference between a flag's earlier and current evidence. */
export interface EvidenceChange {
  what: 'severity' | 'effective_ownership' | 'end_user' | 'link' | string;
  link?: string;
  field?: string;
  old?: string;
  new?: string;
  source?: Source;
}

export type HistoryAction = 'review' | 'approve' | 'comment' | 'assign' | 'reopen';

export interface HistoryEntry {
  at: string;
  by: string;
  action?: HistoryAction;
  status: Status;
  note?: string;
  assignee?: string;
  changes?: EvidenceChange[];
}

/** The first approval of a critical flag's clearing, awaiting a second reviewer. */
export interface Approval {
  by: string;
  at: string;
  note: string;
}

/** An earlier state of an entity or link: the values an upload changed. */
export interface Revision {
  target: 'entity' | 'link';
  key: string;
  changes: { field: string; old: string; new: string }[];
  was: Source;
  by: Source;
}

export interface Flag extends Assessment {
  transaction_id: string;
  status: Status;
  reviewer?: string;
  note?: string;
  history?: HistoryEntry[];
  assignee?: string;
  pending_clear?: Approval;
  evaluated_at?: string;
  evidence_upload?: string;
  buyer: Ref;
  date: string;
  country?: string;
  seller?: Ref;
  end_user?: Ref;
  product?: string;
  capability?: string;
  capabilities?: string[];
  value?: number;
  currency?: string;
}

export interface FlagPage {
  flags: Flag[];
  total: number;
  offset: number;
  limit: number;
}

export interface Transaction {
  id: string;
  date: string;
  buyer: string;
  seller?: string;
  end_user?: string;
  ship_to?: string;
  product?: string;
  capability?: string;
  quantity?: number;
  value?: number;
  currency?: string;
  source: Source;
}

export interface Match {
  entity: Entity;
  score: number;
  matched: string;
}

export interface Stats {
  entities: Record<string, number>;
  links: Record<string, number>;
  countries: number;
  transactions: number;
  decisions?: Partial<Record<Identity, number>>;
  clusters?: number;
  flags: Record<string, number>;
}

/** An identity decision: same (SAME_AS, one party) or not_same (NOT_SAME_AS). */
export type Identity = 'same' | 'not_same';

/** Decision is an investigator's identity decision on entities a < b. */
export interface Decision {
  a: string;
  b: string;
  decision: Identity;
  decided_by: string;
  decided_at: string;
  note?: string;
  source: Source;
}

/** Cluster is an entity's SAME_AS cluster, named by its lowest member id. */
export interface Cluster {
  cluster: string;
  members: Entity[];
  decisions: Decision[];
}

export interface Issue {
  file?: string;
  sheet?: string;
  row?: number;
  column?: string;
  header?: string;
  message: string;
  suggestions?: Suggestion[];
}

// An entity a reference that names none might mean ("did you mean").
export interface Suggestion {
  id: string;
  name: string;
  country?: string;
  score: number;
}

export interface ColumnPreview {
  letter: string;
  header: string;
  column?: string;
  required?: boolean;
}

export interface SheetPreview {
  file: string;
  sheet?: string;
  kind: { table: string; role?: string; link_type?: string };
  header_row?: number;
  columns: ColumnPreview[] | null;
  missing?: string[];
  rows: string[][] | null;
  /** the public format the file is in (OFAC SDN, BODS…): read as such, nothing to map. */
  format?: string;
}

export interface Preview {
  upload: string;
  sheets: SheetPreview[];
  errors: Issue[];
  warnings: Issue[];
}

export interface Changes {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport {
  upload: string;
  files: string[];
  sheets: { file: string; sheet?: string; kind?: string; rows: number; encoding?: string }[];
  rejected: boolean;
  contents: { entities: number; countries: number; links: number; transactions: number; lists?: number; listings?: number };
  written?: { entities: Changes; countries: Changes; links: Changes; transactions: Changes; lists?: Changes; listings?: Changes };
  errors: Issue[];
  more_errors?: number;
  warnings: Issue[];
  more_warnings?: number;
}

export type JobState = 'validating' | 'writing' | 'running' | 'done' | 'rejected' | 'failed' | 'interrupted';

export interface Job {
  id: string;
  upload?: string;
  state: JobState;
  files: string[];
  by: string;
  created: string;
  updated: string;
  progress: { phase?: string; done: number; total: number };
  error?: string;
  report?: ImportReport;
  flags?: { evaluated: number; flagged: number; reopened: number };
}

export interface ScreenRequest {
  name?: string;
  country?: string;
  id?: string;
  date?: string;
}

export interface Screening extends Assessment {
  query: ScreenRequest;
  known: boolean;
  entity: Ref | null;
  matches: Candidate[];
}

export interface MatchFeature {
  name: string;
  score: number;
  effect: 'sets' | 'raises' | 'lowers' | 'keeps';
  detail: string;
}

// A screening candidate: a match is taken for the counterparty; a possible
// match needs a person to confirm it.
export interface Candidate {
  id: string;
  name: string;
  country?: string;
  label: string;
  score: number;
  matched: string;
  standing: 'match' | 'possible';
  features: MatchFeature[];
  assessment: Assessment;
}

/** A pair of entities cross-referencing proposes as possibly one party. */
export interface PairCandidate {
  a: Entity;
  b: Entity;
  score: number;
  features: MatchFeature[];
  exact_identifier: boolean;
}

export interface CandidatePage {
  candidates: PairCandidate[];
  total: number;
  left_off: number;
  updated: string;
}

/** What a cross-referencing run read, skipped and proposed. */
export interface XrefSummary {
  entities: number;
  touched?: number;
  keys: number;
  skipped_keys: number;
  max_block: number;
  compared: number;
  decided: number;
  min_score: number;
  proposed: number;
  left_off: number;
  kept: number;
  kept_left_off: number;
}

/** The cross-referencing job: its report is the run's summary. */
export type XrefJob = Omit<Job, 'report'> & { report?: XrefSummary };
