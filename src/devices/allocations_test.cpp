#include "devices/allocations.h"

#include "devices/devices_test_fixture.h"

namespace kanri::devices {
namespace {

class AllocationsTest : public DevicesTest {
 protected:
  Result<Allocation> Create(NewAllocation a) { return allocations_.Create(provider_, a, "operator"); }
  Coverage Cover(const std::string& oui, const std::string& pc, const std::string& serial) {
    auto lease = tdb_.db().Acquire();
    return allocations_.Cover(lease, oui, pc, serial);
  }
  ProviderScope provider_ = ProviderScope::ForCommandLine();
  AllocationRepository allocations_{tdb_.db(), clock_, {.max_serials = 5}};
};

TEST_F(AllocationsTest, DEV_1_EachKindCoversItsSerialsOnly) {
  ASSERT_TRUE(Create({.company_id = acme_, .oui = "00d09e", .serials = {"B2", "A1"}}));
  ASSERT_TRUE(Create({.company_id = acme_, .oui = "00D09E", .serial_prefix = "PX"}));
  ASSERT_TRUE(Create({.company_id = beta_,
                      .oui = "00D09E",
                      .product_class = "IGD",
                      .serial_range = {{"ACM000100", "ACM000199"}}}));
  ASSERT_TRUE(Create({.company_id = beta_, .oui = "aabbcc"}));
  EXPECT_EQ(Cover("00D09E", "Any", "A1").company, acme_);
  EXPECT_EQ(Cover("00D09E", "Any", "A3").kind, Coverage::Kind::kNone);
  EXPECT_EQ(Cover("00D09E", "Any", "PX-7").company, acme_);
  EXPECT_EQ(Cover("00D09E", "IGD", "ACM000150").company, beta_);
  EXPECT_EQ(Cover("00D09E", "Other", "ACM000150").kind, Coverage::Kind::kNone) << "its product class only";
  EXPECT_EQ(Cover("00D09E", "IGD", "ACM000200").kind, Coverage::Kind::kNone);
  EXPECT_EQ(Cover("00D09E", "IGD", "ACM00015").kind, Coverage::Kind::kNone) << "same length only";
  EXPECT_EQ(Cover("AABBCC", "X", "anything").company, beta_);
  EXPECT_EQ(Cover("00D09F", "Any", "A1").kind, Coverage::Kind::kNone);
}

TEST_F(AllocationsTest, DEV_1_SEC_8_TwoCompaniesAllocationsNeverOverlap) {
  auto list = Create({.company_id = acme_, .oui = "00D09E", .serials = {"SN5"}});
  ASSERT_TRUE(list);
  auto prefix = Create({.company_id = acme_, .oui = "00D09E", .serial_prefix = "AB"});
  ASSERT_TRUE(prefix);
  auto range = Create({.company_id = acme_, .oui = "00D09E", .serial_range = {{"R100", "R199"}}});
  ASSERT_TRUE(range);
  struct Case {
    NewAllocation beta;
    AllocationId overlapped;
  };
  const std::vector<Case> cases{
      {{.company_id = beta_, .oui = "00D09E", .serials = {"SN5"}}, list->id},
      {{.company_id = beta_, .oui = "00D09E", .serial_prefix = "SN"}, list->id},
      {{.company_id = beta_, .oui = "00D09E", .serial_prefix = "ABC"}, prefix->id},
      {{.company_id = beta_, .oui = "00D09E", .serial_prefix = "A"}, prefix->id},
      {{.company_id = beta_, .oui = "00D09E", .serials = {"AB1"}}, prefix->id},
      {{.company_id = beta_, .oui = "00D09E", .serial_range = {{"R150", "R250"}}}, range->id},
      {{.company_id = beta_, .oui = "00D09E", .serial_prefix = "R1"}, range->id},
      {{.company_id = beta_, .oui = "00D09E", .product_class = "IGD"}, {}},  // overlaps all three
  };
  for (const auto& c : cases) {
    auto r = Create(c.beta);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().problem, "allocation_overlap");
    if (c.overlapped.empty()) {
      const auto& m = r.error().message;
      EXPECT_TRUE(m.find(list->id.value()) != m.npos || m.find(prefix->id.value()) != m.npos ||
                  m.find(range->id.value()) != m.npos)
          << m;
    } else {
      EXPECT_NE(r.error().message.find(c.overlapped.value()), std::string::npos) << r.error().message;
    }
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_allocations WHERE company_id = '" + beta_.value() + "'"), 0);
  // Disjoint ones are fine, and a company's own allocations may overlap.
  EXPECT_TRUE(Create({.company_id = beta_, .oui = "00D09E", .serial_prefix = "B"}));
  EXPECT_TRUE(Create({.company_id = beta_, .oui = "00D09E", .serial_range = {{"R200", "R299"}}}));
  EXPECT_TRUE(Create({.company_id = beta_, .oui = "00D09E", .serial_range = {{"R10", "R19"}}}));
  EXPECT_TRUE(Create({.company_id = acme_, .oui = "00D09E", .serial_prefix = "SN"}));
}

TEST_F(AllocationsTest, DEV_1_BadInputIsRefusedWithItsField) {
  auto field = [&](NewAllocation a) {
    auto r = Create(a);
    return r ? std::string("(created)") : r.error().field + "/" + r.error().problem;
  };
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09"}), "oui/");
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09G"}), "oui/");
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09E", .serials = {"A"}, .serial_prefix = "B"}),
            "serials/");
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09E", .serials = {std::string(65, 'x')}}), "serials/");
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09E", .serial_range = {{"A10", "A9"}}}), "serial_range/");
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09E", .serial_range = {{"A2", "A1"}}}), "serial_range/");
  EXPECT_EQ(field({.company_id = acme_, .oui = "00D09E", .serials = {"1", "2", "3", "4", "5", "6"}}),
            "/too_many_serials");
  EXPECT_EQ(field({.company_id = CompanyId{"nope"}, .oui = "00D09E"}), "company_id/");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_allocations"), 0);
}

TEST_F(AllocationsTest, DEV_1_ImportIsAllOrNothingWithAReportPerLine) {
  ASSERT_TRUE(Create({.company_id = beta_, .oui = "00D09E", .serial_prefix = "BETA"}));
  std::vector<AllocationImportLine> lines{
      {2, "ACME", "00d09e", "IGD", "SN1"}, {3, "acme", "00D09E", "IGD", "SN2"},
      {4, "NOPE", "00D09E", "IGD", "SN3"}, {5, "ACME", "00D09E", "IGD", "BETA9"},
      {6, "ACME", "0D09E", "IGD", "SN4"},  {7, "BETA", "00D09E", "IGD", "SN1"},
  };
  auto report = allocations_.Import(provider_, lines, "operator");
  ASSERT_EQ(report.error_count, 4u);
  EXPECT_EQ(report.errors[0].line, 4u);
  EXPECT_EQ(report.errors[0].code, "unknown_company");
  EXPECT_EQ(report.errors[1].code, "allocation_overlap");
  EXPECT_TRUE(report.errors[1].conflicting);
  EXPECT_EQ(report.errors[2].field, "oui");
  EXPECT_EQ(report.errors[3].code, "duplicate");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM device_allocations WHERE company_id = '" + acme_.value() + "'"), 0);
  // Fixed, it is stored: 7 serials in lists of at most 5.
  std::vector<AllocationImportLine> good;
  for (int i = 1; i <= 7; ++i)
    good.push_back({std::size_t(i), "ACME", "00D09E", "IGD", "SN" + std::to_string(i)});
  good.push_back({8, "ACME", "00D09E", "IGD", "SN1"});  // the same line twice: once
  report = allocations_.Import(provider_, good, "operator");
  ASSERT_EQ(report.error_count, 0u);
  EXPECT_EQ(report.created.size(), 2u);
  EXPECT_EQ(report.serials, 7u);
  EXPECT_EQ(Cover("00D09E", "IGD", "SN7").company, acme_);
  EXPECT_EQ(Cover("00D09E", "Other", "SN7").kind, Coverage::Kind::kNone);
}

TEST_F(AllocationsTest, DEV_1_ChangesMakeTheDevicesConcernedCheckOwnershipAtTheirNextInform) {
  const DeviceId mine = Seed(acme_, {.serial = "SN1"});
  const DeviceId other = Seed(acme_, {.serial = "XX1"});
  auto digest = [&](const DeviceId& d) {
    auto lease = tdb_.db().Acquire();
    std::string value;
    lease.sql() << "SELECT inform_digest FROM devices WHERE id = :id", soci::use(d.value()),
        soci::into(value);
    return value;
  };
  {
    auto lease = tdb_.db().Acquire();
    lease.sql() << "UPDATE devices SET inform_digest = 'digest'";
  }
  auto a = Create({.company_id = acme_, .oui = "00D09E", .serial_prefix = "SN"});
  ASSERT_TRUE(a);
  EXPECT_EQ(digest(mine), "digest") << "its own company's device is not moved";
  ASSERT_TRUE(allocations_.Delete(provider_, a->id));
  EXPECT_EQ(digest(mine), "") << "withdrawn: checked at the next Inform";
  EXPECT_EQ(digest(other), "digest");
  ASSERT_TRUE(Create({.company_id = beta_, .oui = "00D09E", .serials = {"XX1"}}));
  EXPECT_EQ(digest(other), "") << "given to another company: checked at the next Inform";
}

TEST_F(AllocationsTest, SEC_8_ACompanyReadsOnlyItsOwnAllocations) {
  auto a = Create({.company_id = acme_, .oui = "00D09E", .serials = {"SN1", "SN2"}});
  auto b = Create({.company_id = beta_, .oui = "00D09E", .serial_prefix = "B"});
  ASSERT_TRUE(a && b);
  auto own = allocations_.List(acme_, {}, {.limit = 10});
  ASSERT_EQ(own.items.size(), 1u);
  EXPECT_EQ(own.items[0].id, a->id);
  EXPECT_EQ(allocations_.Get(acme_, b->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(allocations_.Get(acme_, a->id)->serials, (std::vector<std::string>{"SN1", "SN2"}));
  EXPECT_EQ(allocations_.List(acme_, {.serial = "B7"}, {.limit = 10}).items.size(), 0u);
  auto all = allocations_.List(provider_, {.serial = "B7"}, {.limit = 10});
  ASSERT_EQ(all.items.size(), 1u);
  EXPECT_EQ(all.items[0].id, b->id);
  EXPECT_EQ(allocations_.List(provider_, {.company = beta_}, {.limit = 10}).items.size(), 1u);
}

}  // namespace
}  // namespace kanri::devices
