#pragma once
// SHA-256 test vectors the identity tests share, computed independently with coreutils, e.g.
//   printf %s ann@example.com | sha256sum

#include <string_view>

namespace pinsync::identity::known_hashes {

// ann@example.com
inline constexpr std::string_view kAnnSha256 =
    "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476";
// 6d92078a-8246-4ba4-ae5b-76104861e7dc (an IDFA, lowercased)
inline constexpr std::string_view kIdfaSha256 =
    "31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376";
// 38400000-8cf0-11bd-b23e-10b96e40000d (a GAID)
inline constexpr std::string_view kGaidSha256 =
    "d4181bb455a74b3bc8b37c75ac9b2c702eb6b9930bd040b861403b31ca85634d";

}  // namespace pinsync::identity::known_hashes
