// libFuzzer target for the SOAP decoder (issue 4: no input from the network may crash or stall
// the server). Built only with clang and -DKANRI_FUZZ=ON; scripts/test.sh runs it for a bounded
// time, seeded with the golden cases in testdata/cases.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cwmp/soap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto envelope = kanri::cwmp::DecodeEnvelope(body, kanri::cwmp::DecodeLimits{});
  if (!envelope) (void)kanri::cwmp::AcsFaultFor(envelope.error());
  return 0;
}
