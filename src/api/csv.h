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

}  // namespace kanri::api
