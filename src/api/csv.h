// CSV for spreadsheet users: UTF-8 with a byte-order mark (so Excel reads Japanese text),
// CRLF line ends, every cell quoted, and cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) neutralised with a leading apostrophe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kanri::api {

class CsvWriter {
 public:
  CsvWriter() : out_("\xEF\xBB\xBF") {}
  void Row(const std::vector<std::string>& cells);
  std::string Finish() { return std::move(out_); }

  static std::string Cell(std::string_view value);

 private:
  std::string out_;
};

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
