// Cursor pagination shared by every list: a page of items plus an opaque cursor that
// continues after the last one (absent on the last page).
#pragma once

#include <optional>
#include <string>
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

}  // namespace kanri
