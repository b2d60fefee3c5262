// SEC-7: inactive accounts are reminded, locked, and (general accounts) deleted.
#include "identity/inactivity.h"

#include <algorithm>

#include "identity/identity_fixture.h"

namespace kanri::identity {
namespace {

using std::chrono::days;

class InactivityTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    auto j = accounts_.Create(company_, {"jiro", "Jiro", "jiro@example.jp", AccountKind::kGeneral}, "hash");
    ASSERT_TRUE(j);
    jiro_ = *j;
  }

  std::vector<InactivityStep> Apply() {
    return rules_.Apply(clock_.Now(), [&](db::Lease&, const InactivityStep& s) { seen_.push_back(s); });
  }

  static std::vector<std::pair<std::string, InactivityAction>> Summary(
      const std::vector<InactivityStep>& steps) {
    std::vector<std::pair<std::string, InactivityAction>> out;
    for (const auto& s : steps) out.emplace_back(s.account.login, s.action);
    std::sort(out.begin(), out.end());
    return out;
  }

  InactivityRules rules_{tdb_.db(), {}};
  Account jiro_;
  std::vector<InactivityStep> seen_;
};

using Steps = std::vector<std::pair<std::string, InactivityAction>>;

TEST_F(InactivityTest, SEC_7_RemindsAfter180DaysLocksAfter30MoreAndDeletesGeneralAccounts90DaysLater) {
  clock_.Advance(days{179});
  EXPECT_TRUE(Apply().empty());
  clock_.Advance(days{1});
  const auto reminded = Apply();
  EXPECT_EQ(Summary(reminded),
            (Steps{{"jiro", InactivityAction::kReminded}, {"taro", InactivityAction::kReminded}}));
  ASSERT_EQ(seen_.size(), 2u);  // the callback ran inside each step
  EXPECT_EQ(reminded[0].next_step_at, clock_.Now() + days{30});
  EXPECT_TRUE(Apply().empty()) << "a reminder is sent once";

  clock_.Advance(days{29});
  EXPECT_TRUE(Apply().empty());
  clock_.Advance(days{1});
  const auto locked = Apply();
  ASSERT_EQ(locked.size(), 2u);
  auto jiro = accounts_.Get(company_, jiro_.id);
  ASSERT_TRUE(jiro);
  EXPECT_EQ(jiro->status, AccountStatus::kLocked);
  EXPECT_EQ(jiro->lock_reason, LockReason::kInactivity);
  EXPECT_EQ(jiro->locked_at, clock_.Now());
  for (const auto& s : locked) {
    const auto expected = s.account.kind == AccountKind::kGeneral ? std::optional(clock_.Now() + days{90})
                                                                  : std::optional<Timestamp>();
    EXPECT_EQ(s.next_step_at, expected) << s.account.login;
  }

  clock_.Advance(days{89});
  EXPECT_TRUE(Apply().empty());
  clock_.Advance(days{1});
  EXPECT_EQ(Summary(Apply()), (Steps{{"jiro", InactivityAction::kDeleted}}));
  EXPECT_FALSE(accounts_.Get(company_, jiro_.id)) << "the general account is deleted";
  auto taro = accounts_.Get(company_, taro_.id);
  ASSERT_TRUE(taro) << "a company administrator is never deleted by the rule";
  EXPECT_EQ(taro->status, AccountStatus::kLocked);
  clock_.Advance(days{1000});
  EXPECT_TRUE(Apply().empty());
  EXPECT_TRUE(accounts_.Get(company_, taro_.id));
}

TEST_F(InactivityTest, SEC_7_ALoginAfterTheReminderCancelsTheLock) {
  clock_.Advance(days{180});
  ASSERT_EQ(Apply().size(), 2u);
  clock_.Advance(days{10});
  ASSERT_TRUE(Login("taro", kPassword).session);
  clock_.Advance(days{20});
  EXPECT_EQ(Summary(Apply()), (Steps{{"jiro", InactivityAction::kLocked}}));
  auto taro = accounts_.Get(company_, taro_.id);
  EXPECT_EQ(taro->status, AccountStatus::kActive);
  EXPECT_EQ(taro->inactivity_reminded_at, std::nullopt);
}

TEST_F(InactivityTest, SEC_7_OnlyASiteAdministratorLiftsAnInactivityLock) {
  clock_.Advance(days{210});
  Apply();
  clock_.Advance(days{30});
  Apply();
  ASSERT_EQ(accounts_.Get(company_, jiro_.id)->lock_reason, LockReason::kInactivity);
  // The company administrator cannot, through PATCH status.
  auto patched = accounts_.Update(company_, jiro_.id, {.status = AccountStatus::kActive}, taro_.id);
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().problem, "inactivity_lock");
  EXPECT_EQ(accounts_.Get(company_, jiro_.id)->status, AccountStatus::kLocked);
  // The provider can; the account is active again and its inactivity clock restarts.
  auto unlocked = accounts_.Unlock(provider_, jiro_.id);
  ASSERT_TRUE(unlocked);
  EXPECT_EQ(unlocked->status, AccountStatus::kActive);
  EXPECT_EQ(unlocked->lock_reason, std::nullopt);
  EXPECT_FALSE(unlocked->inactivity_reminded_at);
}

TEST_F(InactivityTest, SEC_7_AnAdministratorsLockIsNotAnInactivityLock) {
  ASSERT_TRUE(accounts_.Update(company_, jiro_.id, {.status = AccountStatus::kLocked}, taro_.id));
  auto jiro = accounts_.Get(company_, jiro_.id);
  EXPECT_EQ(jiro->lock_reason, LockReason::kAdministrator);
  ASSERT_TRUE(accounts_.Update(company_, jiro_.id, {.status = AccountStatus::kActive}, taro_.id));
  EXPECT_EQ(accounts_.Get(company_, jiro_.id)->lock_reason, std::nullopt);
  // Locked by an administrator, the rule leaves it alone.
  ASSERT_TRUE(accounts_.Update(company_, jiro_.id, {.status = AccountStatus::kLocked}, taro_.id));
  clock_.Advance(days{400});
  for (const auto& s : Apply()) EXPECT_NE(s.account.login, "jiro");
}

TEST_F(InactivityTest, SEC_7_SiteAdministratorsAreNotSubjectToTheRule) {
  ASSERT_TRUE(accounts_.CreateSiteAdministrator(provider_, {"ops", "Ops", "ops@example.jp"}, "hash"));
  clock_.Advance(days{400});
  for (const auto& s : Apply()) EXPECT_NE(s.account.login, "ops");
}

TEST_F(InactivityTest, DeletingAnAccountByHandKeepsTheLastAdministrator) {
  auto self = accounts_.Delete(company_, taro_.id, taro_.id);
  ASSERT_FALSE(self);
  auto hanako =
      accounts_.Create(company_, {"hanako", "Hanako", "h@example.jp", AccountKind::kGeneral}, "hash");
  ASSERT_TRUE(hanako);
  auto last = accounts_.Delete(company_, taro_.id, hanako->id);
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().problem, "last_administrator");
  ASSERT_TRUE(accounts_.Delete(company_, jiro_.id, taro_.id));
  EXPECT_FALSE(accounts_.Get(company_, jiro_.id));
  // Another company's account is not found.
  auto other = companies_.Create(provider_, {"other", "Other", *Date::Parse("2025-01-01"), std::nullopt});
  auto stranger = accounts_.Create(other->id, {"x", "X", "x@example.jp", AccountKind::kGeneral}, "hash");
  auto cross = accounts_.Delete(company_, stranger->id, taro_.id);
  ASSERT_FALSE(cross);
  EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(accounts_.Get(other->id, stranger->id));
}

}  // namespace
}  // namespace kanri::identity
