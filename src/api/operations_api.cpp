// Running the service (issue 12), for the provider's site administrators
// (provider.operations): the periodic jobs and running one now, the mail outbox with resend,
// and the SEC-2 login alarms.
#include "api/json_io.h"
#include "api/routes.h"
#include "api/schemas.h"
#include "api/scope.h"

namespace kanri::api {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using http::ApiError;
using http::HttpResponse;
using http::RequestContext;

template <typename T>
T& Configured(T* p) {
  if (!p) throw ApiError(http::Problem{503, "operations_unavailable", "", "This server runs no jobs.", ""});
  return *p;
}

// The scheduler's own encoding of counts (the one stored in job_state), as an object.
json::object CountsJson(const jobs::Counts& counts) {
  return json::parse(jobs::CountsJson(counts)).as_object();
}

json::object JobJson(const jobs::JobStatus& j) {
  json::object o{
      {"name", j.name},
      {"description", j.description},
      {"schedule", j.schedule},
      {"last_outcome", j.last_outcome.empty() ? json::value(nullptr) : json::value(j.last_outcome)},
      {"last_counts", CountsJson(j.last_counts)},
      {"last_error", j.last_error},
      {"running", j.running}};
  PutTimes(o, "last_started_at", j.last_started_at);
  PutTimes(o, "last_finished_at", j.last_finished_at);
  PutTimes(o, "next_due_at", j.next_due_at);
  return o;
}

json::object MailJson(const mail::OutboxEntry& e, bool with_body) {
  json::object o{{"id", e.id},
                 {"message_id", e.message_id},
                 {"company_id", e.company ? json::value(e.company->value()) : json::value(nullptr)},
                 {"recipient", e.recipient},
                 {"kind", e.kind},
                 {"subject", e.message.subject},
                 {"state", mail::ToString(e.state)},
                 {"attempts", e.attempts},
                 {"last_error", e.last_error}};
  PutTimes(o, "created_at", e.created_at);
  PutTimes(o, "next_attempt_at",
           e.state == mail::MailState::kQueued ? std::optional(e.next_attempt_at) : std::nullopt);
  PutTimes(o, "sent_at", e.sent_at);
  if (with_body) o["body"] = e.message.body;
  return o;
}

json::object AlarmJson(const jobs::LoginAlarm& a) {
  json::object o{{"id", a.id},       {"cause", a.cause},       {"subject", a.subject},
                 {"label", a.label}, {"failures", a.failures}, {"threshold", a.threshold}};
  PutTimes(o, "window_start", a.window_start);
  PutTimes(o, "first_failure_at", a.first_failure_at);
  PutTimes(o, "raised_at", a.raised_at);
  return o;
}

asio::awaitable<HttpResponse> ListJobs(ApiServices& s, RequestContext& ctx) {
  (void)Provider(ctx);
  auto& scheduler = Configured(s.scheduler);
  auto list = co_await s.db.Run([&] { return scheduler.List(); });
  json::array items;
  for (const auto& j : list) items.push_back(JobJson(j));
  co_return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}}));
}

asio::awaitable<HttpResponse> RunJob(ApiServices& s, RequestContext& ctx) {
  (void)Provider(ctx);
  auto& scheduler = Configured(s.scheduler);
  auto& pool = Configured(s.jobs_pool);
  const std::string name = ctx.Param("name");
  const std::string trigger = "console by " + ctx.actor->account.login;
  // On the jobs' own thread, after whatever job runs now.
  auto run = Unwrap(co_await pool.Run([&] { return scheduler.RunNow(name, trigger); }));
  if (!run.ran)
    throw ApiError(
        http::Problem{409, "job_running", "", "This job is running now (here or on another node).", ""});
  ctx.audit.details = json::serialize(json::object{{"ok", run.ok}, {"counts", CountsJson(run.counts)}});
  json::object out{
      {"name", run.name}, {"ok", run.ok}, {"counts", CountsJson(run.counts)}, {"error", run.error}};
  PutTimes(out, "started_at", run.started_at);
  PutTimes(out, "finished_at", run.finished_at);
  co_return http::JsonResponse(200, json::serialize(out));
}

asio::awaitable<HttpResponse> ListMail(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  auto& outbox = Configured(s.outbox);
  std::optional<mail::MailState> state;
  if (auto q = ctx.request.Query("state"); q && !q->empty()) {
    state = mail::ParseMailState(*q);
    if (!state) ThrowInvalid("state", "state must be queued, sending, sent or failed");
  }
  const PageRequest page = ReadPageRequest(ctx.request);
  auto rows = co_await s.db.Run([&] { return outbox.List(scope, state, page); });
  co_return PageResponse(rows, [](const mail::OutboxEntry& e) { return MailJson(e, false); });
}

asio::awaitable<HttpResponse> GetMail(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  auto& outbox = Configured(s.outbox);
  const std::string id = ctx.Param("id");
  auto e = Unwrap(co_await s.db.Run([&] { return outbox.Get(scope, id); }));
  co_return http::JsonResponse(200, json::serialize(MailJson(e, true)));
}

asio::awaitable<HttpResponse> ResendMail(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  auto& outbox = Configured(s.outbox);
  const std::string id = ctx.Param("id");
  auto e = Unwrap(co_await s.db.Run([&] { return outbox.Resend(scope, id); }));
  ctx.audit.details = json::serialize(json::object{{"recipient", e.recipient}, {"kind", e.kind}});
  co_return http::JsonResponse(200, json::serialize(MailJson(e, false)));
}

asio::awaitable<HttpResponse> ListAlarms(ApiServices& s, RequestContext& ctx) {
  const auto scope = Provider(ctx);
  auto& alarms = Configured(s.login_alarms);
  const PageRequest page = ReadPageRequest(ctx.request);
  auto rows = co_await s.db.Run([&] { return alarms.List(scope, page); });
  co_return PageResponse(rows, AlarmJson);
}

}  // namespace

void AddOperationsRoutes(http::RouteTable& t, ApiServices& s) {
  t.Add({.method = "GET",
         .path = "/api/v1/operations/jobs",
         .access = http::Needs("provider.operations"),
         .action = "jobs.list",
         .handler = [&s](RequestContext& c) { return ListJobs(s, c); },
         .doc = {.summary = "The periodic jobs: schedule, last run and outcome, next run",
                 .tag = "operations",
                 .response_schema = schema::kScheduledJob,
                 .paginated = true}});
  t.Add({.method = "POST",
         .path = "/api/v1/operations/jobs/{name}/run",
         .access = http::Needs("provider.operations"),
         .action = "jobs.run",
         .target_type = "job",
         .handler = [&s](RequestContext& c) { return RunJob(s, c); },
         .doc = {.summary = "Run one job now and answer its outcome (409 while it runs elsewhere)",
                 .tag = "operations",
                 .response_schema = schema::kScheduledJobRun}});
  t.Add({.method = "GET",
         .path = "/api/v1/operations/mail",
         .access = http::Needs("provider.operations"),
         .action = "mail.list",
         .handler = [&s](RequestContext& c) { return ListMail(s, c); },
         .doc = {.summary = "The mail outbox, newest first (?state=queued|sending|sent|failed)",
                 .tag = "operations",
                 .response_schema = schema::kMail,
                 .paginated = true,
                 .query = {"state"}}});
  t.Add(
      {.method = "GET",
       .path = "/api/v1/operations/mail/{id}",
       .access = http::Needs("provider.operations"),
       .action = "mail.get",
       .target_type = "mail",
       .handler = [&s](RequestContext& c) { return GetMail(s, c); },
       .doc = {.summary = "One mail with its text", .tag = "operations", .response_schema = schema::kMail}});
  t.Add({.method = "POST",
         .path = "/api/v1/operations/mail/{id}/resend",
         .access = http::Needs("provider.operations"),
         .action = "mail.resend",
         .target_type = "mail",
         .handler = [&s](RequestContext& c) { return ResendMail(s, c); },
         .doc = {.summary = "Queue a failed or sent mail again, with 24 hours of retries (409 while pending)",
                 .tag = "operations",
                 .response_schema = schema::kMail}});
  t.Add({.method = "GET",
         .path = "/api/v1/operations/login-alarms",
         .access = http::Needs("provider.operations"),
         .action = "login_alarms.list",
         .handler = [&s](RequestContext& c) { return ListAlarms(s, c); },
         .doc = {.summary = "SEC-2: alarms raised on bursts of failed logins, newest first",
                 .tag = "operations",
                 .response_schema = schema::kLoginAlarm,
                 .paginated = true}});
}

}  // namespace kanri::api
