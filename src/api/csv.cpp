#include "api/csv.h"

namespace kanri::api {

std::string CsvWriter::Cell(std::string_view value) {
  std::string out = "\"";
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
    out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void CsvWriter::Row(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += ',';
    out_ += Cell(cells[i]);
  }
  out_ += "\r\n";
}

}  // namespace kanri::api
