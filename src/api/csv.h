// CSV for spreadsheet users: UTF-8 with a byte-order mark (so Excel reads Japanese text),
// CRLF line ends, every cell quoted, and cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) neutralised with a leading apostrophe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/page.h"
#include "base/result.h"
#include "http/message.h"

namespace kanri::api {

// A column of a CSV export: its header as scripts read it (English, the default) and as the
// console shows it in Japanese (issue 18).
struct CsvColumn {
  std::string_view key;  // "serial_number"
  std::string_view ja;   // "シリアル番号"
};

// ?lang=ja gives Japanese headers, ?lang=en (or none) the English keys, so that a script's
// export never changes under it; the console sends the language it shows. 400 for others.
enum class CsvLanguage { kEnglish, kJapanese };
CsvLanguage ReadCsvLanguage(const http::HttpRequest& request);

class CsvWriter {
 public:
  CsvWriter() : out_("\xEF\xBB\xBF") {}
  void Row(const std::vector<std::string>& cells);
  void Header(std::span<const CsvColumn> columns, CsvLanguage language);
  std::string Finish() { return std::move(out_); }

  static std::string Cell(std::string_view value);

 private:
  std::string out_;
};

// A CSV export's rows: every page of a listing, `fetch(PageRequest)` → Result<Page<T>>, 500 at
// a time, up to 100,000 rows (the export says nothing of more; the list's filters narrow it).
inline constexpr std::size_t kCsvMaxRows = 100'000;
template <typename T, typename Fetch>
Result<std::vector<T>> CollectPages(Fetch fetch) {
  std::vector<T> all;
  PageRequest page{.limit = 500};
  for (;;) {
    Result<Page<T>> p = fetch(page);
    if (!p) return p.error();
    for (auto& item : p->items) all.push_back(std::move(item));
    if (!p->next_after || all.size() >= kCsvMaxRows) break;
    page.after = p->next_after;
  }
  return all;
}

// The CSV as a download named `filename`.
http::HttpResponse CsvResponse(CsvWriter& csv, std::string_view filename);

// Reads CSV as spreadsheets and shipping lists write it (RFC 4180): UTF-8 with or without a
// byte-order mark, CRLF or LF line ends, quoted cells with "" for a quote (and line breaks
// inside quotes). Blank lines are skipped.
struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> cells;
};
struct CsvParse {
  std::vector<CsvRecord> records;
  std::string error;  // empty when the text was read whole
  std::size_t error_line = 0;
};
CsvParse ReadCsv(std::string_view text, std::size_t max_records);

}  // namespace kanri::api
