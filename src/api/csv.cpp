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

http::HttpResponse CsvResponse(CsvWriter& csv, std::string_view filename) {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = csv.Finish();
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  return r;
}

CsvLanguage ReadCsvLanguage(const http::HttpRequest& request) {
  const auto lang = request.Query("lang").value_or("en");
  if (lang == "ja") return CsvLanguage::kJapanese;
  if (lang != "en" && !lang.empty())
    throw http::ApiError(http::Problem{400, "invalid_request", "", "lang must be ja or en", "lang"});
  return CsvLanguage::kEnglish;
}

void CsvWriter::Header(std::span<const CsvColumn> columns, CsvLanguage language) {
  std::vector<std::string> cells;
  for (const auto& c : columns) cells.emplace_back(language == CsvLanguage::kJapanese ? c.ja : c.key);
  Row(cells);
}

void CsvWriter::Row(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += ',';
    out_ += Cell(cells[i]);
  }
  out_ += "\r\n";
}

CsvParse ReadCsv(std::string_view text, std::size_t max_records) {
  CsvParse out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t line = 1, i = 0;
  while (i < text.size()) {
    CsvRecord record{line, {}};
    std::string cell;
    bool in_quotes = false, quoted = false, end_of_record = false;
    while (i < text.size() && !end_of_record) {
      const char c = text[i++];
      if (in_quotes) {
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            cell.push_back('"');
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          cell.push_back(c);
        }
      } else if (c == '"' && cell.empty() && !quoted) {
        in_quotes = quoted = true;
      } else if (c == ',') {
        record.cells.push_back(std::move(cell));
        cell.clear();
        quoted = false;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i < text.size() && text[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      } else if (quoted) {
        out.error = "text after a closing quote";
        out.error_line = line;
        return out;
      } else {
        cell.push_back(c);
      }
    }
    if (in_quotes) {
      out.error = "a quoted cell is not closed";
      out.error_line = record.line;
      return out;
    }
    record.cells.push_back(std::move(cell));
    const bool blank = record.cells.size() == 1 && record.cells[0].empty() && !quoted;
    if (blank) continue;
    if (out.records.size() >= max_records) {
      out.error = "more than " + std::to_string(max_records) + " lines";
      out.error_line = record.line;
      return out;
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace kanri::api
