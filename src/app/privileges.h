// OPS-4: `kanri serve` never runs as root. Started as root it needs `--user NAME`: it binds its
// listening ports first (so ports below 1024 work), then becomes that user for good before it
// opens or creates anything (database, keys/, tls/, node-id, uploads/, …), so every file it makes
// in the data dir belongs to that user. Started as an unprivileged user (systemd's User=kanri,
// maybe with AmbientCapabilities=CAP_NET_BIND_SERVICE), it keeps its user and gives up the
// capabilities it was given for binding.
//
//   auto user = app::ServiceUserFor(config.user);  // before anything is bound or created
//   if (!user) return Refuse(user.error().message);
//   ... bind the listeners ...
//   if (auto dropped = app::DropPrivileges(*user); !dropped) return Refuse(dropped.error().message);
//
// The other subcommands (migrate, backup, admin …) do not change their user.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "base/result.h"

namespace kanri::app {

// The account the server runs as after binding.
struct ServiceUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Whom to become after binding. As root: the user named by `user_option` (--user), which must
// exist and be neither root nor in group root; root without --user is refused. Not as root:
// nobody to become (nullopt); a --user naming someone else is refused, since only root can
// change its user. Reads the user database only; changes nothing.
Result<std::optional<ServiceUser>> ServiceUserFor(const std::string& user_option);

// Becomes `user` when given (the groups of the group database with initgroups, then the group,
// then the user, real, effective and saved IDs alike), drops every capability (those of
// AmbientCapabilities too), and checks that neither root nor a capability can be regained.
// An error means the process is in an unknown state: the caller must exit.
Status DropPrivileges(const std::optional<ServiceUser>& user);

// After DropPrivileges: refuses a data dir the process cannot write (or create), naming the
// directory and the fix, instead of the permission error of whichever file comes first.
Status CheckDataDirWritable(const std::filesystem::path& data_dir);

}  // namespace kanri::app
