#include <bufreg/allocator.hpp>
#include <bufreg/detail/name_table.hpp>

#include <deque>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

namespace bufreg::detail {
namespace {

struct NameTable {
  std::shared_mutex mutex;
  std::deque<std::string> names;  // deque: growing never moves the strings the index views
  std::unordered_map<std::string_view, std::uint32_t> ids;
};

NameTable& table() {
  static NameTable instance;
  return instance;
}

}  // namespace

std::uint32_t intern_name(std::string_view name) {
  NameTable& t = table();
  {
    std::shared_lock lock(t.mutex);
    if (auto found = t.ids.find(name); found != t.ids.end()) return found->second;
  }
  std::unique_lock lock(t.mutex);
  if (auto found = t.ids.find(name); found != t.ids.end()) return found->second;
  if (t.names.size() == std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("bufreg: more than 2^32 - 1 distinct buffer names");
  }
  const auto id = static_cast<std::uint32_t>(t.names.size());
  t.ids.emplace(t.names.emplace_back(name), id);
  return id;
}

std::vector<std::string> interned_names() {
  NameTable& t = table();
  std::shared_lock lock(t.mutex);
  return {t.names.begin(), t.names.end()};
}

}  // namespace bufreg::detail

namespace bufreg {

std::string buffer_name(std::uint32_t name_id) {
  detail::NameTable& t = detail::table();
  std::shared_lock lock(t.mutex);
  return name_id < t.names.size() ? t.names[name_id] : std::string("<unknown>");
}

}  // namespace bufreg
