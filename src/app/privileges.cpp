#include "app/privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace kanri::app {
namespace {

namespace fs = std::filesystem;

Error Refused(std::string message) {
  return Error{ErrorCode::kPermissionDenied, std::move(message), "user"};
}

Error Failed(const std::string& call) {
  return Error{ErrorCode::kInternal, "dropping privileges: " + call + " failed: " + std::strerror(errno),
               "user"};
}

std::optional<ServiceUser> LookUpUser(const std::string& name) {
  const long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  while (::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == ERANGE)
    buffer.resize(buffer.size() * 2);
  if (found == nullptr) return std::nullopt;
  return ServiceUser{name, found->pw_uid, found->pw_gid};
}

std::string CurrentUserName() {
  const passwd* me = ::getpwuid(::geteuid());  // only for messages
  return me != nullptr ? me->pw_name : "uid " + std::to_string(::geteuid());
}

// The capability sets of this thread (permitted, effective, inheritable); with the ambient set
// cleared first, none survives. Dropping capabilities needs none.
bool ClearCapabilities() {
  (void)::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);  // EINVAL before Linux 4.3: none
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  return ::syscall(SYS_capset, &header, data) == 0;
}

bool HoldsCapabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return true;
  for (const auto& d : data)
    if (d.effective != 0 || d.permitted != 0 || d.inheritable != 0) return true;
  return ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0) == 1;
}

}  // namespace

Result<std::optional<ServiceUser>> ServiceUserFor(const std::string& user_option) {
  const bool root = ::getuid() == 0 || ::geteuid() == 0;
  if (user_option.empty()) {
    if (root)
      return Refused(
          "refusing to run as root. Give --user NAME (e.g. --user kanri): the server binds its ports as "
          "root and then runs as that user, who must own the data dir. Or start it as that user.");
    return std::optional<ServiceUser>{};
  }
  auto user = LookUpUser(user_option);
  if (!user)
    return Refused("--user " + user_option + ": no such user (create one with: adduser --system --group " +
                   user_option + ")");
  if (user->uid == 0 || user->gid == 0)
    return Refused("--user " + user_option + ": that is root or in group root; name an unprivileged user");
  if (!root) {
    if (user->uid == ::getuid()) return std::optional<ServiceUser>{};  // already that user
    return Refused("--user " + user_option + ": only root can change its user, and this process runs as " +
                   CurrentUserName());
  }
  return user;
}

Status DropPrivileges(const std::optional<ServiceUser>& user) {
  if (user) {
    if (::initgroups(user->name.c_str(), user->gid) != 0) return Failed("initgroups");
    if (::setresgid(user->gid, user->gid, user->gid) != 0) return Failed("setresgid");
    if (::setresuid(user->uid, user->uid, user->uid) != 0) return Failed("setresuid");
  }
  if (!ClearCapabilities()) return Failed("capset");
  // Nothing executed from here on may gain privileges (set-user-ID files, file capabilities).
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Failed("prctl(PR_SET_NO_NEW_PRIVS)");

  // Verify rather than trust: no ID is root's, and root's cannot be taken back.
  uid_t ruid = 0, euid = 0, suid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0;
  if (::getresuid(&ruid, &euid, &suid) != 0 || ::getresgid(&rgid, &egid, &sgid) != 0)
    return Failed("getresuid");
  if (ruid == 0 || euid == 0 || suid == 0 || rgid == 0 || egid == 0 || sgid == 0)
    return Refused("dropping privileges: the process still has a user or group ID of root");
  std::vector<gid_t> groups(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
  if (!groups.empty() && ::getgroups(static_cast<int>(groups.size()), groups.data()) < 0)
    return Failed("getgroups");
  for (const gid_t g : groups)
    if (g == 0) return Refused("--user: the user is a member of group root; name an unprivileged user");
  if (::setuid(0) == 0 || ::seteuid(0) == 0 || ::setgid(0) == 0 || ::setegid(0) == 0)
    return Refused("dropping privileges: root could be regained");
  if (HoldsCapabilities()) return Refused("dropping privileges: capabilities are still held");
  return Ok{};
}

Status CheckDataDirWritable(const fs::path& data_dir) {
  // The directory, or when it does not exist yet, the nearest one that does (it is created there).
  const fs::path wanted = data_dir.empty() ? fs::path(".") : data_dir;
  fs::path dir = wanted;
  std::error_code ec;
  while (!fs::exists(dir, ec) && !ec) {
    fs::path parent = dir.parent_path();
    if (parent.empty()) parent = ".";
    if (parent == dir) break;
    dir = parent;
  }
  if (!ec && ::access(dir.c_str(), W_OK | X_OK) == 0) return Ok{};
  const std::string reason = ec ? ec.message() : std::strerror(errno);
  const std::string user = CurrentUserName();
  const std::string fix = dir == wanted ? "chown -R " + user + ": " + wanted.string()
                                        : "install -d -o " + user + " -m 0750 " + wanted.string();
  return Refused("the data dir " + wanted.string() + " is not writable by user " + user + " (" +
                 dir.string() + ": " + reason + "). Give it to that user (" + fix +
                 ") and let them pass through every parent directory.");
}

}  // namespace kanri::app
