// Cursor pagination shared by every list: a page of items plus an opaque cursor that
// continues after the last one (absent on the last page).
#pragma once

#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kanri {

struct PageRequest {
  std::size_t limit = 50;
  std::optional<std::string> after;  // the decoded cursor: the sort key of the last item seen
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_after;  // sort key to continue after; encoded by the API
};

// Trims a query result fetched with limit + 1 rows into a page.
template <typename T, typename KeyFn>
Page<T> MakePage(std::vector<T> rows, std::size_t limit, KeyFn key) {
  Page<T> page;
  if (rows.size() > limit) {
    rows.resize(limit);
    page.next_after = key(rows.back());
  }
  page.items = std::move(rows);
  return page;
}

// The page key of a newest-first list sorted by (time, id): "<time ms>\n<id>".
inline std::string NewestFirstKey(long long time_ms, const std::string& id) {
  return std::to_string(time_ms) + "\n" + id;
}
// The (time, id) to continue after, or (max, "") for the first page; an unreadable key starts
// over.
inline std::pair<long long, std::string> NewestFirstCursor(const std::optional<std::string>& after) {
  long long before = std::numeric_limits<long long>::max();
  std::string before_id;
  if (after) {
    const auto nl = after->find('\n');
    try {
      before = std::stoll(after->substr(0, nl));
    } catch (const std::exception&) {
      before = std::numeric_limits<long long>::max();
    }
    if (nl != std::string::npos) before_id = after->substr(nl + 1);
  }
  return {before, before_id};
}

}  // namespace kanri
