#pragma once
// An environment variable set (or unset) for one scope and restored after.

#include <stdlib.h>

#include <ctime>
#include <optional>
#include <string>
#include <utility>

namespace faxkit_test {

/// Sets \a name to \a value, or unsets it with nullopt; the destructor puts
/// back what was there. A change of TZ is followed by tzset().
class ScopedEnv {
public:
    ScopedEnv(std::string name, const std::optional<std::string>& value) : m_name(std::move(name)) {
        if (const char* old = std::getenv(m_name.c_str())) {
            m_old = old;
        }
        apply(value);
    }
    ~ScopedEnv() { apply(m_old); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    void apply(const std::optional<std::string>& value) const {
        if (value) {
            ::setenv(m_name.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
        if (m_name == "TZ") {
            ::tzset();
        }
    }
    std::string m_name;
    std::optional<std::string> m_old;
};

}  // namespace faxkit_test
