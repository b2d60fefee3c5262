// The fixture shared by this folder's tests: a migrated database with two companies.
#pragma once

#include <gtest/gtest.h>

#include "db/test_database.h"
#include "devices/test_devices.h"
#include "tenancy/companies.h"

namespace kanri::devices {

class DevicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto provider = ProviderScope::ForCommandLine();
    acme_ = companies_.Create(provider, {"acme", "Acme", *Date::Parse("2025-01-01"), std::nullopt})->id;
    beta_ = companies_.Create(provider, {"beta", "Beta", *Date::Parse("2025-01-01"), std::nullopt})->id;
  }
  DeviceId Seed(const CompanyId& company, testing::SeedDevice s) {
    return testing::InsertDevice(tdb_.db(), company, s);
  }
  long long Count(const std::string& sql) {
    long long n = 0;
    auto lease = tdb_.db().Acquire();
    lease.sql() << sql, soci::into(n);
    return n;
  }

  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  tenancy::CompanyRepository companies_{tdb_.db(), clock_};
  CompanyId acme_, beta_;
};

}  // namespace kanri::devices
