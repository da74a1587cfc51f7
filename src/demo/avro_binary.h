#pragma once
// Avro binary encoding (Avro 1.11 specification, "Binary Encoding") of the few types the demo's
// records use, after the Confluent wire-format header. Written from the specification rather than
// with Avro C, so the demo does not produce its input with the library that decodes it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pinsync::demo {

class AvroBinary {
 public:
  // Magic byte 0 and the big-endian schema id.
  explicit AvroBinary(int32_t schema_id, uint8_t magic = 0) {
    const auto id = static_cast<uint32_t>(schema_id);
    out_ = {static_cast<char>(magic), static_cast<char>(id >> 24), static_cast<char>(id >> 16),
            static_cast<char>(id >> 8), static_cast<char>(id)};
  }

  AvroBinary& Long(int64_t v) {  // int and long: zigzag, then base-128 varint
    uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    do {
      auto byte = static_cast<uint8_t>(z & 0x7f);
      z >>= 7;
      if (z != 0) byte |= 0x80;
      out_ += static_cast<char>(byte);
    } while (z != 0);
    return *this;
  }
  AvroBinary& String(std::string_view s) {
    Long(static_cast<int64_t>(s.size()));
    out_.append(s);
    return *this;
  }
  // A union's branch index, then (unless the branch is null) its value.
  AvroBinary& Null() { return Long(0); }
  AvroBinary& OptionalString(std::string_view s) { return s.empty() ? Null() : Long(1).String(s); }
  // One block with every item, then the empty block that ends an array.
  AvroBinary& Strings(const std::vector<std::string>& items) {
    if (!items.empty()) {
      Long(static_cast<int64_t>(items.size()));
      for (const std::string& s : items) String(s);
    }
    return Long(0);
  }

  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace pinsync::demo
