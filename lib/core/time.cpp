#include "core/time.hpp"

#include <ctime>

namespace fax::core {

std::int64_t now_unix_ms() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

namespace {

// Howard Hinnant's days-to-civil algorithm.
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (m <= 2 ? 1 : 0));
}

void put2(char* p, unsigned v) noexcept {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

std::size_t format_utc_ms(std::int64_t unix_ms, char* out) noexcept {
    std::int64_t secs = unix_ms / 1000;
    auto ms = static_cast<unsigned>(unix_ms % 1000);
    if (unix_ms < 0 && unix_ms % 1000 != 0) {
        secs -= 1;
        ms = static_cast<unsigned>(unix_ms % 1000 + 1000);
    }
    std::int64_t days = secs / 86400;
    std::int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(days, y, m, d);
    const auto yu = static_cast<unsigned>(y < 0 ? 0 : (y > 9999 ? 9999 : y));
    put2(out, yu / 100);
    put2(out + 2, yu % 100);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    const auto r = static_cast<unsigned>(rem);
    put2(out + 11, r / 3600);
    out[13] = ':';
    put2(out + 14, (r / 60) % 60);
    out[16] = ':';
    put2(out + 17, r % 60);
    out[19] = '.';
    out[20] = static_cast<char>('0' + ms / 100);
    put2(out + 21, ms % 100);
    out[23] = 'Z';
    return 24;
}

std::string utc_ms_string(std::int64_t unix_ms) {
    std::string s(24, '\0');
    format_utc_ms(unix_ms, s.data());
    return s;
}

}  // namespace fax::core
