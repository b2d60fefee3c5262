// The real API services over a test database, for tests that need the route table.
#pragma once

#include "api/routes.h"
#include "db/test_database.h"

namespace kanri::api {

struct TestServices {
  db::TestDatabase tdb;
  SystemClock clock;
  db::WorkerPool db_pool{"db", 2, 64};
  db::WorkerPool hash_pool{"hash", 1, 8};
  tenancy::CompanyRepository companies{tdb.db(), clock};
  identity::AccountRepository accounts{tdb.db(), clock};
  identity::PasswordHasher hasher{{.ops_limit = 1, .mem_limit_bytes = 8192}};
  identity::PasswordPolicy policy;
  identity::SessionStore sessions{tdb.db(), clock, {}};
  identity::LoginService login{tdb.db(), clock, hasher, sessions, {}};
  identity::LoginThrottle throttle{clock, {}};
  access::RoleRepository roles{tdb.db(), clock};
  access::Policy access_policy{tdb.db()};
  audit::OperationHistory history{tdb.db(), clock, {}};
  devices::DeviceSecrets device_secrets = devices::DeviceSecrets::FromKey(std::string(32, 'k'));
  devices::ProfileRepository profiles{tdb.db(), clock, device_secrets};
  devices::DeviceRepository devices{tdb.db(), clock};
  devices::TaskRepository tasks{tdb.db(), clock};
  devices::GroupRepository groups{tdb.db(), clock};
  devices::RefusedDeviceRepository refused{tdb.db(), clock};
  devices::AllocationRepository allocations{tdb.db(), clock};
  ApiServices services{clock,    tdb.db(), db_pool, hash_pool, companies, accounts,      sessions,
                       login,    throttle, hasher,  policy,    roles,     access_policy, history,
                       profiles, devices,  tasks,   groups,    refused,   allocations,   {}};
};

}  // namespace kanri::api
