// The unit tests decode text/event-json through Event::parse() and take(), as
// fax-esl does: JSON events are enabled once for the whole test binary.
#include <gtest/gtest.h>

#include "esl/event.hpp"

namespace {

class JsonEvents : public ::testing::Environment {
public:
    void SetUp() override { fax::esl::Event::enable_json(); }
};

[[maybe_unused]] ::testing::Environment* const g_json_events = ::testing::AddGlobalTestEnvironment(new JsonEvents);

}  // namespace
