#include <bufreg/allocator.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/location.hpp>
#include <bufreg/precision.hpp>

#include <stdexcept>
#include <string>

namespace bufreg {

std::string_view to_string(Precision precision) {
  switch (precision) {
    case Precision::float16:
      return "float16";
    case Precision::float32:
      return "float32";
    case Precision::float64:
      return "float64";
    case Precision::int32:
      return "int32";
    case Precision::int64:
      return "int64";
    case Precision::uint8:
      return "uint8";
  }
  return "<invalid precision>";
}

std::string_view to_string(Location location) {
  switch (location) {
    case Location::shared:
      return "shared";
    case Location::local:
      return "local";
  }
  return "<invalid location>";
}

std::string_view to_string(Region region) {
  switch (region) {
    case Region::shared:
      return "shared";
    case Region::persistent:
      return "persistent";
    case Region::local:
      return "local";
  }
  return "<invalid region>";
}

std::string_view to_string(Scope scope) { return scope == Scope::team ? "team" : "thread"; }

Location parse_location(std::string_view text) {
  if (text == "shared") return Location::shared;
  if (text == "local") return Location::local;
  throw std::invalid_argument("bufreg: location " + detail::quoted(text) +
                              " is not 'shared' or 'local'");
}

}  // namespace bufreg
