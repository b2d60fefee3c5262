#include "devices/parameter_tree.h"

#include <boost/json.hpp>

namespace kanri::devices {

namespace json = boost::json;

ParameterTree ParameterTree::Parse(std::string_view text) {
  ParameterTree tree;
  if (text.empty()) return tree;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return tree;
  for (const auto& [key, entry] : v.as_object()) {
    if (!entry.is_array()) continue;
    const auto& a = entry.as_array();
    Entry e;
    if (a.size() > 0 && a[0].is_string()) e.value = a[0].as_string();
    if (a.size() > 1 && a[1].is_string()) e.type = a[1].as_string();
    if (a.size() > 2 && a[2].is_int64()) e.writable = a[2].as_int64() != 0;
    e.redacted = a.size() > 3 && a[3].is_int64() && a[3].as_int64() != 0;
    tree.entries_.emplace(std::string(key), std::move(e));
  }
  return tree;
}

std::string ParameterTree::Serialize() const {
  json::object o;
  o.reserve(entries_.size());
  for (const auto& [path, e] : entries_) {
    json::array a{json::string(e.value), json::string(e.type)};
    if (e.writable)
      a.emplace_back(*e.writable ? 1 : 0);
    else
      a.emplace_back(nullptr);
    if (e.redacted) a.emplace_back(1);
    o.emplace(path, std::move(a));
  }
  return json::serialize(o);
}

bool ParameterTree::SetValue(const std::string& path, std::string value, std::string type) {
  auto [it, inserted] = entries_.try_emplace(path);
  const bool secret = IsSecretParameter(path);
  if (secret) value.clear();
  bool changed = inserted || it->second.value != value || it->second.redacted != secret;
  it->second.value = std::move(value);
  it->second.redacted = secret;
  if (!type.empty() && it->second.type != type) {
    it->second.type = std::move(type);
    changed = true;
  }
  return changed;
}

bool ParameterTree::SetWritable(const std::string& path, bool writable) {
  auto [it, inserted] = entries_.try_emplace(path);
  const bool changed = inserted || it->second.writable != writable;
  it->second.writable = writable;
  return changed;
}

bool ParameterTree::RemoveSubtree(std::string_view prefix) {
  auto first = entries_.lower_bound(prefix);
  auto last = first;
  while (last != entries_.end() && std::string_view(last->first).starts_with(prefix)) ++last;
  if (first == last) return false;
  entries_.erase(first, last);
  return true;
}

std::optional<Parameter> ParameterTree::Find(const std::string& path) const {
  auto it = entries_.find(path);
  if (it == entries_.end()) return std::nullopt;
  return Parameter{it->first, it->second.value, it->second.type, it->second.writable, it->second.redacted};
}

std::vector<Parameter> ParameterTree::List(std::string_view prefix) const {
  std::vector<Parameter> out;
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && std::string_view(it->first).starts_with(prefix); ++it)
    out.push_back(
        Parameter{it->first, it->second.value, it->second.type, it->second.writable, it->second.redacted});
  return out;
}

}  // namespace kanri::devices
