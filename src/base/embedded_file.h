// A file compiled into the binary by cmake/Embed.cmake (migrations, word lists, the console).
#pragma once

#include <string_view>
#include <vector>

namespace kanri {

struct EmbeddedFile {
  std::string_view name;  // file name without directories, e.g. "0001_foundation.sql"
  std::string_view data;
};

}  // namespace kanri
