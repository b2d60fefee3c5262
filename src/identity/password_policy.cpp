#include "identity/password_policy.h"

#include <fmt/format.h>

#include <string>
#include <unordered_set>

#include "base/embedded_file.h"
#include "base/text.h"

namespace kanri::identity {
namespace embedded {
const std::vector<EmbeddedFile>& CommonPasswords();
}
namespace {

const std::unordered_set<std::string>& CommonSet() {
  static const auto set = [] {
    std::unordered_set<std::string> s;
    std::string_view data = embedded::CommonPasswords().at(0).data;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t eol = data.find('\n', pos);
      if (eol == std::string_view::npos) eol = data.size();
      std::string_view line = data.substr(pos, eol - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) s.insert(AsciiLower(line));
      pos = eol + 1;
    }
    return s;
  }();
  return set;
}

}  // namespace

PasswordPolicy::PasswordPolicy(PasswordRules rules) : rules_(rules) {
  (void)CommonSet();
}

std::size_t PasswordPolicy::CommonListSize() {
  return CommonSet().size();
}

bool PasswordPolicy::IsCommon(std::string_view password) const {
  return CommonSet().count(AsciiLower(password)) > 0;
}

Status PasswordPolicy::Check(std::string_view password, std::string_view login,
                             std::string_view field) const {
  long n = Utf8Length(password);
  if (n < 0) return InvalidArgument(std::string(field), "password must be valid UTF-8 text");
  if (n < rules_.min_length || n > rules_.max_length)
    return InvalidArgument(std::string(field), fmt::format("password must be {} to {} characters long",
                                                           rules_.min_length, rules_.max_length));
  if (IsCommon(password))
    return InvalidArgument(std::string(field),
                           "this password is one of the most commonly used; choose another");
  if (!login.empty() && AsciiLower(password) == AsciiLower(login))
    return InvalidArgument(std::string(field), "password must not be the login ID");
  return Ok{};
}

}  // namespace kanri::identity
