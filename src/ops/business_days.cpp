#include "ops/business_days.h"

namespace kanri::ops {}  // namespace kanri::ops
