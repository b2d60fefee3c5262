// The API's shapes by name, taken from its OpenAPI document (schema.d.ts, generated from the
// server's route table; see cmake/Web.cmake). Nothing here is written by hand but the names:
// a field the server stops sending, or starts sending, changes these types.
import type { components, operations } from "./schema";

// The route table's action names ("devices.get") are the document's operation IDs.
export type OperationId = keyof operations;

type Success<R> = R extends { 200: infer S } ? S : R extends { 201: infer S } ? S : R extends { 202: infer S } ? S : never;
type JsonContent<S> = S extends { content: { "application/json": infer B } } ? B : void;

// What a successful call of the operation answers (void for 204 No Content).
export type Answer<O extends OperationId> = JsonContent<Success<operations[O]["responses"]>>;
// One item of a listing operation's page.
export type ItemOf<O extends OperationId> = Answer<O> extends { items: Array<infer I> } ? I : never;
// The JSON body the operation takes.
export type RequestBody<O extends OperationId> = operations[O] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;
// The query parameters the operation takes.
export type QueryOf<O extends OperationId> = NonNullable<operations[O]["parameters"]["query"]>;

export type SessionInfo = Answer<"session.get">;
// The company a session belongs to, as GET /session names it (issue 18).
export type SessionCompany = NonNullable<SessionInfo["company"]>;
export type Account = Answer<"accounts.get">;
export type AccountKind = Account["kind"];
export type AccountStatus = Account["status"];
export type Company = Answer<"companies.get">;
// DATA-6: how far the deletion after the contract's end has gone, and when its steps fall.
export type DeletionStage = Company["deletion_stage"];
export type DeletionSchedule = NonNullable<Company["deletion_schedule"]>;
export type Role = Answer<"roles.get">;
export type Permission = ItemOf<"permissions.list">;
export type AuditRecord = ItemOf<"audit.query">;
export type Outcome = AuditRecord["outcome"];
export type LockedAccount = ItemOf<"provider.locked_accounts">;

export type Device = Answer<"devices.get">;
export type DeviceSummary = Answer<"devices.summary">;
export type Parameter = ItemOf<"devices.parameters">;
export type Task = Answer<"tasks.get">;
export type TaskType = Task["type"];
export type TaskState = Task["state"];
export type TaskRequest = RequestBody<"tasks.create">;
export type Job = Answer<"jobs.get">;
// Issue 18: one device's task of a job, and what asking a device to connect now gave.
export type JobTask = NonNullable<Job["tasks"]>["items"][number];
export type Wakeup = NonNullable<Task["wakeup"]>;
export type DeviceGroup = Answer<"device_groups.get">;
// The device list's filter, as a saved-filter group keeps it; DEV-7's compliance too (the server
// reads every filter alike; the document lists it for a job's filter only, so far).
export type DeviceFilter = NonNullable<DeviceGroup["filter"]> & Pick<RequestBody<"jobs.create_for_filter">["filter"], "compliance">;
export type Profile = Answer<"profiles.get">;
export type AuthMode = Profile["device_auth"]["mode"];
export type FirmwareFile = Answer<"firmware.get">;
// DEV-6: firmware campaigns, their waves and their devices.
export type Campaign = Answer<"campaign.get">;
export type CampaignState = Campaign["state"];
export type PauseReason = NonNullable<Campaign["pause_reason"]>;
export type CampaignCounts = Campaign["counts"];
export type CampaignWave = Campaign["waves"][number];
export type CampaignCreate = RequestBody<"campaign.create">;
export type CampaignDevice = ItemOf<"campaign.devices">;
export type CampaignDeviceState = CampaignDevice["state"];
export type RefusedDevice = ItemOf<"provider.refused_devices">;
export type RefusedReason = RefusedDevice["reason"];
// DATA-6: a device of a company deleted after its contract ended.
export type UnassignedDevice = ItemOf<"provider.unassigned_devices">;
export type Allocation = Answer<"allocations.get">;
export type AllocationKind = Allocation["kind"];
export type AllocationImportResult = Answer<"allocations.import">;
// The service's periodic jobs, the mail outbox and the SEC-2 login alarms (issue 12; provider.operations).
export type ScheduledJob = ItemOf<"jobs.list">;
export type JobRun = Answer<"jobs.run">;
export type Mail = ItemOf<"mail.list">;
export type MailDetail = Answer<"mail.get">;
export type MailState = Mail["state"];
export type LoginAlarm = ItemOf<"login_alarms.list">;
export type AlarmCause = LoginAlarm["cause"];
// SEC-4: where a company's accounts and tokens may sign in from, with the caller's address.
export type CompanySettings = Answer<"company_settings.get">;
export type CompanySettingsPatch = RequestBody<"company_settings.update">;
// SEC-9: API tokens; the secret is in the creation's answer only.
export type ApiToken = ItemOf<"tokens.list">;
export type IssuedApiToken = Answer<"tokens.create">;
// SEC-9: webhooks; the signing secret is in the creation's answer only, and the delivery log
// never holds a body or the secret.
export type Webhook = Answer<"webhooks.get">;
export type IssuedWebhook = Answer<"webhooks.create">;
export type WebhookCreate = RequestBody<"webhooks.create">;
export type WebhookPatch = RequestBody<"webhooks.update">;
// The event types a webhook may subscribe to (webhook.test is sent by the test action alone).
export type WebhookEvent = WebhookCreate["events"][number];
export type WebhookDelivery = components["schemas"]["WebhookDelivery"];
export type DeliveryState = WebhookDelivery["state"];
// DEV-5: a device's remote login; the login ID and the one-time password are in the opening's
// answer only.
export type RemoteLogin = Answer<"devices.remote_login_get">;
export type RemoteLoginState = RemoteLogin["state"];
export type OpenedRemoteLogin = Answer<"devices.remote_login_open">;
// OPS-1: maintenance windows (announced 3 business days ahead unless an emergency) and the
// business-day calendar that decides the earliest start.
export type MaintenanceWindow = Answer<"maintenance.get">;
export type MaintenanceState = MaintenanceWindow["state"];
export type MaintenanceCreate = RequestBody<"maintenance.announce">;
export type MaintenancePatch = RequestBody<"maintenance.change">;
// "all", or the IDs of the companies a notice is for.
export type NoticeScope = MaintenanceCreate["scope"];
export type MaintenanceCalendar = Answer<"maintenance.calendar">;
export type CalendarDay = MaintenanceCalendar["days"][number];
// OPS-2: incidents (drafts until published) with their updates, and this node's health checks.
export type Incident = Answer<"incidents.get">;
export type IncidentState = Incident["state"];
export type Severity = Incident["severity"];
export type IncidentCreate = RequestBody<"incidents.open">;
export type IncidentPatch = RequestBody<"incidents.change">;
export type IncidentUpdateBody = RequestBody<"incidents.update">;
export type Health = Answer<"operations.health">;
export type HealthCheck = Health["checks"][number];
// OPS-3: a month's availability against the 99.5 % objective.
export type Availability = components["schemas"]["Availability"];
// What companies and the public see: the console's banner, the status page (no company names).
export type PublicMaintenance = components["schemas"]["PublicMaintenance"];
export type PublicIncident = components["schemas"]["PublicIncident"];
export type Notices = Answer<"notices.list">;
export type ServiceStatus = Answer<"status.get">;
export type ServiceState = ServiceStatus["state"];
export type StatusDay = ServiceStatus["days"][number];
export type StatusMonth = ServiceStatus["months"][number];
// DATA-7: where data is kept and for how long, as configured.
export type SecurityData = Answer<"security_data.get">;
export type Retention = SecurityData["retention"];
