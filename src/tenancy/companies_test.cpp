#include "tenancy/companies.h"

#include <gtest/gtest.h>

#include "db/test_database.h"

namespace kanri::tenancy {
namespace {

class CompaniesTest : public ::testing::Test {
 protected:
  db::TestDatabase tdb_;
  ManualClock clock_{*ParseUtc("2025-04-01T00:00:00Z")};
  CompanyRepository repo_{tdb_.db(), clock_};
  ProviderScope provider_ = ProviderScope::ForCommandLine();
};

TEST_F(CompaniesTest, CreateGetAndCodeIsUniqueCaseInsensitively) {
  auto c = repo_.Create(provider_, {"ACME", "Acme 株式会社", *Date::Parse("2025-04-01"), std::nullopt});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->id.value().size(), 26u);
  auto got = repo_.Get(provider_, c->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Acme 株式会社");
  EXPECT_EQ(got->contract_start.ToString(), "2025-04-01");
  EXPECT_FALSE(got->contract_end);

  auto dup = repo_.Create(provider_, {"acme", "Other", *Date::Parse("2025-04-01"), std::nullopt});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(repo_.FindByCode("aCmE"));
}

TEST_F(CompaniesTest, RejectsBadInputAndChangesNothing) {
  EXPECT_EQ(
      repo_.Create(provider_, {"bad code", "x", *Date::Parse("2025-04-01"), std::nullopt}).error().field,
      "code");
  EXPECT_EQ(repo_.Create(provider_, {"ok", "", *Date::Parse("2025-04-01"), std::nullopt}).error().field,
            "name");
  EXPECT_EQ(repo_.Create(provider_, {"ok", "x", *Date::Parse("2025-04-01"), Date::Parse("2025-03-31")})
                .error()
                .field,
            "contract_end");
  EXPECT_TRUE(repo_.List(provider_, {}).items.empty());
}

TEST_F(CompaniesTest, ListPagesByCode) {
  for (auto code : {"c", "a", "e", "b", "d"})
    ASSERT_TRUE(repo_.Create(provider_, {code, code, *Date::Parse("2025-04-01"), std::nullopt}));
  auto p1 = repo_.List(provider_, {.limit = 2});
  ASSERT_EQ(p1.items.size(), 2u);
  EXPECT_EQ(p1.items[0].code, "a");
  ASSERT_TRUE(p1.next_after);
  auto p2 = repo_.List(provider_, {.limit = 2, .after = p1.next_after});
  EXPECT_EQ(p2.items[0].code, "c");
  auto p3 = repo_.List(provider_, {.limit = 2, .after = p2.next_after});
  ASSERT_EQ(p3.items.size(), 1u);
  EXPECT_FALSE(p3.next_after);
}

TEST_F(CompaniesTest, UpdateAndInService) {
  auto c = repo_.Create(provider_, {"x", "X", *Date::Parse("2025-04-01"), Date::Parse("2026-03-31")});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->InService(*Date::Parse("2026-03-31")));
  EXPECT_FALSE(c->InService(*Date::Parse("2026-04-01")));
  EXPECT_FALSE(c->InService(*Date::Parse("2025-03-31")));
  CompanyPatch patch;
  patch.contract_end = std::optional<Date>{};
  patch.status = CompanyStatus::kSuspended;
  auto u = repo_.Update(provider_, c->id, patch);
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->contract_end);
  EXPECT_FALSE(u->InService(*Date::Parse("2030-01-01")));
  EXPECT_EQ(repo_.Update(provider_, CompanyId{"nope"}, patch).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kanri::tenancy
