#include "cwmp/file_download.h"

#include <gtest/gtest.h>

namespace kanri::cwmp {
namespace {

using Kind = ByteRange::Kind;

void Expect(std::optional<std::string_view> header, std::uint64_t size, Kind kind, std::uint64_t offset = 0,
            std::uint64_t length = 0) {
  ByteRange r = ParseByteRange(header, size);
  EXPECT_EQ(r.kind, kind) << (header ? *header : "(none)");
  if (kind == Kind::kPartial) {
    EXPECT_EQ(r.offset, offset) << *header;
    EXPECT_EQ(r.length, length) << *header;
  }
  if (kind == Kind::kWhole) {
    EXPECT_EQ(r.offset, 0u);
    EXPECT_EQ(r.length, size);
  }
}

TEST(ByteRange, DEV_6_SingleRanges) {
  Expect(std::nullopt, 100, Kind::kWhole);
  Expect("bytes=0-9", 100, Kind::kPartial, 0, 10);
  Expect("bytes=10-", 100, Kind::kPartial, 10, 90);
  Expect("bytes=-10", 100, Kind::kPartial, 90, 10);
  Expect("bytes=-1000", 100, Kind::kPartial, 0, 100);
  Expect("bytes=90-1000", 100, Kind::kPartial, 90, 10);
  Expect("bytes=99-99", 100, Kind::kPartial, 99, 1);
}

TEST(ByteRange, DEV_6_Unsatisfiable) {
  Expect("bytes=100-", 100, Kind::kUnsatisfiable);
  Expect("bytes=100-200", 100, Kind::kUnsatisfiable);
  Expect("bytes=-0", 100, Kind::kUnsatisfiable);
  Expect("bytes=0-", 0, Kind::kUnsatisfiable);
}

TEST(ByteRange, DEV_6_AnythingElseIsIgnored) {
  for (std::string_view h : {"bytes=0-1,5-6", "items=0-1", "bytes=", "bytes=-", "bytes=5-1", "bytes=a-b",
                             "bytes=1-2-3", "bytes= 1-2", "bytes=99999999999999999999-", "0-9"})
    Expect(h, 100, Kind::kWhole);
}

}  // namespace
}  // namespace kanri::cwmp
