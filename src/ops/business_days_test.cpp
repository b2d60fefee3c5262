#include "ops/business_days.h"

#include <gtest/gtest.h>
