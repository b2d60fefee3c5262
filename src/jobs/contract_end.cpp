#include "jobs/contract_end.h"

#include <boost/json.hpp>

#include "access/api_tokens.h"
#include "access/roles.h"
#include "devices/company_removal.h"
#include "identity/accounts.h"
#include "webhooks/webhooks.h"

namespace kanri::jobs {

namespace json = boost::json;

namespace {

// The step's record, in the company's chain (which ends with the last one) and the provider's.
void RecordStep(audit::OperationHistory& history, const tenancy::Company& c, std::string_view step,
                json::object details, Timestamp now) {
  details["job"] = "contract-end";
  details["step"] = step;
  details["code"] = c.code;
  if (c.contract_end) details["contract_end"] = c.contract_end->ToString();
  audit::OperationRecord r;
  r.time = now;
  r.actor_login = "system";
  r.action = "company.contract_end_step";
  r.target_type = "company";
  r.target_id = c.id.value();
  r.details = json::serialize(details);
  audit::OperationRecord own = r;
  own.company = c.id;
  history.AppendBatch({own, r});
}

}  // namespace

Counts RunContractEnd(db::Database& db, tenancy::CompanyRepository& companies,
                      devices::FirmwareRepository& firmware, audit::OperationHistory& history,
                      const audit::SigningKey& key, Millis grace, Timestamp now) {
  const ProviderScope provider = ProviderScope::ForCommandLine();
  std::int64_t accounts_steps = 0, configuration_steps = 0, deleted = 0, detached = 0;
  for (tenancy::Company& c : companies.PastContractEnd(provider, Date::FromTimestampJst(now))) {
    const auto schedule = tenancy::DeletionScheduleOf(c, grace);
    if (!schedule) continue;
    if (c.deletion_stage < tenancy::kAccountsDeleted && now >= schedule->accounts_at) {
      auto lease = db.Acquire();
      db::WriteTransaction tx(lease);
      const std::int64_t accounts = identity::DeleteCompanyAccountRows(lease, c.id);
      const std::int64_t roles = access::DeleteCompanyRoleRows(lease, c.id);
      const std::int64_t tokens = access::DeleteCompanyTokenRows(lease, c.id);
      tenancy::CompanyRepository::SetDeletionStage(lease, c.id, tenancy::kAccountsDeleted);
      tx.Commit();
      c.deletion_stage = tenancy::kAccountsDeleted;
      RecordStep(history, c, "accounts", {{"accounts", accounts}, {"roles", roles}, {"api_tokens", tokens}},
                 now);
      ++accounts_steps;
    }
    if (c.deletion_stage < tenancy::kConfigurationDeleted && now >= schedule->configuration_at) {
      auto lease = db.Acquire();
      db::WriteTransaction tx(lease);
      const auto removed = devices::RemoveCompanyConfiguration(lease, c.id, c.code, now);
      const std::int64_t webhook_rows = webhooks::DeleteCompanyWebhookRows(lease, c.id);
      tenancy::CompanyRepository::SetDeletionStage(lease, c.id, tenancy::kConfigurationDeleted);
      tx.Commit();
      c.deletion_stage = tenancy::kConfigurationDeleted;
      RecordStep(history, c, "configuration",
                 {{"devices_detached", removed.devices_detached},
                  {"profiles", removed.profiles},
                  {"allocations", removed.allocations},
                  {"groups", removed.groups},
                  {"jobs", removed.jobs},
                  {"webhook_rows", webhook_rows}},
                 now);
      detached += removed.devices_detached;
      ++configuration_steps;
    }
    if (now >= schedule->company_at) {
      const std::int64_t files = firmware.DeleteAllOf(c.id);
      // The last record of the company's chain, then its signed checkpoint, then the row.
      RecordStep(history, c, "company", {{"firmware_files", files}}, now);
      history.WriteCheckpoints(key);
      auto lease = db.Acquire();
      db::WriteTransaction tx(lease);
      // The company's own people can add nothing after the earlier steps (no account can log in,
      // no device is onboarded), but the provider may still have given it an administrator or an
      // allocation since; whatever refers to the row goes with it.
      identity::DeleteCompanyAccountRows(lease, c.id);
      access::DeleteCompanyRoleRows(lease, c.id);
      access::DeleteCompanyTokenRows(lease, c.id);
      devices::RemoveCompanyConfiguration(lease, c.id, c.code, now);
      webhooks::DeleteCompanyWebhookRows(lease, c.id);
      tenancy::CompanyRepository::DeleteRow(lease, c.id);
      tx.Commit();
      ++deleted;
    }
  }
  return {{"accounts_deleted", accounts_steps},
          {"configurations_deleted", configuration_steps},
          {"devices_detached", detached},
          {"companies_deleted", deleted}};
}

}  // namespace kanri::jobs
