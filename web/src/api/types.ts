// The API's shapes, as the console reads them (see GET /api/v1/openapi.json).

export type AccountKind = "site_admin" | "admin" | "general";
export type AccountStatus = "active" | "locked" | "disabled";

export interface Account {
  id: string;
  company_id: string | null;
  login: string;
  name: string;
  email: string;
  kind: AccountKind;
  status: AccountStatus;
  must_change_password: boolean;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
  roles?: string[];
}

export interface SessionInfo {
  account: Account;
  csrf_token: string;
  expires_at: string;
  idle_timeout_seconds: number;
  permissions?: string[];
}

export interface Company {
  id: string;
  code: string;
  name: string;
  contract_start: string;
  contract_end: string | null;
  status: "active" | "suspended" | "ended";
  // A lab setting (issue 10): the company's profiles may use device_auth.mode "none".
  allow_unauthenticated_devices?: boolean;
  created_at: string;
  updated_at: string;
}

export interface Role {
  id: string;
  name: string;
  name_en: string;
  description: string;
  permissions: string[];
  builtin: boolean;
  created_at: string | null;
  updated_at: string | null;
}

export interface Permission {
  name: string;
  scope: "company" | "provider";
  label_ja: string;
  label_en: string;
}

export type Outcome = "success" | "denied" | "failed";

export interface AuditRecord {
  seq: number;
  time: string;
  time_jst: string;
  company_id: string | null;
  actor_id: string;
  actor_login: string;
  source_ip: string;
  action: string;
  target_type: string;
  target_id: string;
  outcome: Outcome;
  error_code: string;
  request_id: string;
  details: Record<string, unknown>;
}

export interface LockedAccount {
  account: Account;
  company_code: string;
}

// ---- Devices (issue 4) ----
// Times come as UTC ("…_at") and as JST text ("…_at_jst").

export interface Device {
  id: string;
  profile_id: string | null;
  oui: string;
  product_class: string;
  serial_number: string;
  manufacturer: string;
  model: string;
  hardware_version: string;
  software_version: string;
  data_model: "tr181" | "tr098" | string;
  online: boolean;
  last_events: string[];
  periodic_inform_interval: number;
  wan_ip: string;
  source_ip: string;
  connection_request_url: string;
  tags: string[];
  auth_mode: "rotate" | "shared" | "none";
  insecure: boolean;
  credential_state: string;
  first_contact_at: string | null;
  last_contact_at: string | null;
  last_boot_at: string | null;
  online_until: string | null;
  created_at: string | null;
}

export interface DeviceSummary {
  total: number;
  online: number;
  offline: number;
  insecure: number;
}

export interface Parameter {
  path: string;
  value: string;
  type: string;
  writable: boolean | null;
  // A secret (e.g. a Wi-Fi passphrase): its value is never stored, so `value` is empty.
  redacted?: boolean;
}

export type TaskType =
  | "getParameterValues"
  | "setParameterValues"
  | "getParameterNames"
  | "addObject"
  | "deleteObject"
  | "reboot"
  | "factoryReset"
  | "download";

export type TaskState = "queued" | "running" | "done" | "failed" | "cancelled";

export interface Task {
  id: string;
  device_id: string;
  job_id: string | null;
  type: TaskType;
  state: TaskState;
  request: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  fault: { code: number; string: string; meaning: string } | null;
  error: string | null;
  internal: boolean;
  created_by: { id: string | null; login: string };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

// The device list's filter (also a saved-filter group's).
export interface DeviceFilter {
  q?: string;
  online?: boolean;
  profile_id?: string;
  group_id?: string;
  model?: string;
  software_version?: string;
  tag?: string;
}

export interface DeviceGroup {
  id: string;
  name: string;
  kind: "static" | "filter";
  filter: DeviceFilter | null;
  device_count: number;
  created_at: string;
  updated_at: string;
}

export interface JobProgress {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

export interface Job {
  id: string;
  group_id: string | null;
  type: TaskType;
  request: Record<string, unknown> | null;
  created_by: { id: string | null; login: string };
  created_at: string;
  progress: JobProgress;
  tasks?: {
    items: Array<{ task_id: string; device_id: string; serial_number: string; state: TaskState; fault: { code: number } | null; error: string | null }>;
    next_cursor: string | null;
  };
}

export interface Profile {
  id: string;
  name: string;
  match: { oui: string | null; product_class: string | null; serial_prefix: string | null; serials: string[] };
  device_auth: { mode: "rotate" | "shared" | "none"; username: string; password_set: boolean };
  periodic_inform_interval: number | null;
  parameters: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export interface FirmwareFile {
  id: string;
  name: string;
  version: string;
  model: string;
  size: number;
  sha256: string;
  created_by: { id: string | null; login: string };
  created_at: string;
  created_at_jst: string;
}

// Why onboarding refused a device ("unmatched": rows recorded before allocations existed).
export type RefusedReason =
  | "unallocated"
  | "overlap"
  | "no_profile"
  | "ambiguous"
  | "unauthenticated_not_allowed"
  | "bad_credentials"
  | "unmatched";

export interface RefusedDevice {
  id: string;
  oui: string;
  product_class: string;
  serial_number: string;
  source_ip: string;
  reason: RefusedReason | string;
  attempts: number;
  first_at: string;
  last_at: string;
}

// ---- Device allocations (仕向け情報, issue 10) ----
// The provider's record of which devices belong to which company: an OUI, optionally a
// product class, and a serial list, a prefix, a range, or every serial of the OUI.

export type AllocationKind = "serials" | "prefix" | "range" | "oui";

export interface Allocation {
  id: string;
  company_id: string;
  company_code: string;
  oui: string;
  product_class: string | null;
  kind: AllocationKind;
  serial_count: number;
  serial_prefix: string | null;
  serial_range: { from: string; to: string } | null;
  note: string;
  created_by: string;
  created_at: string;
  created_at_jst?: string | null;
  // GET /allocations/{id} only, for kind "serials".
  serials?: string[];
}

// One line of a refused CSV import (POST /allocations/import).
export interface AllocationImportError {
  line: number; // 1-based line of the file; 0 for the file as a whole
  field: "company_code" | "oui" | "product_class" | "serial" | "file" | string;
  code: "unknown_company" | "invalid" | "duplicate" | "allocation_overlap" | "too_many" | string;
  message: string;
  conflicting_allocation_id?: string;
}

export interface AllocationImportResult {
  items: Allocation[];
  serials: number;
}
