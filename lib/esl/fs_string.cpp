#include "esl/fs_string.hpp"

#include <limits>

#include "esl/message.hpp"

namespace fax::esl {

namespace {

constexpr char k_escape = '\\';

char unescape_char(char c) noexcept {
    switch (c) {
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 's': return ' ';
        default: return c;
    }
}

/// cleanup_separated_string(): quotes, escapes, leading/trailing spaces.
std::string cleanup(std::string_view str, char delim) {
    std::size_t p = 0;
    while (p < str.size() && str[p] == ' ') {
        ++p;
    }
    std::string dest;
    std::optional<std::size_t> end;  // length to keep
    bool inside_quotes = false;
    for (; p < str.size(); ++p) {
        bool esc = false;
        if (str[p] == k_escape) {
            const char next = p + 1 < str.size() ? str[p + 1] : '\0';
            char e = next;
            bool take = e == '\'' || e == '"' || (delim != '\0' && e == delim) || e == k_escape;
            if (!take) {
                e = unescape_char(next);
                take = e != next;
            }
            if (take) {
                ++p;
                dest.push_back(e);
                end = dest.size();
                esc = true;
            }
        }
        if (!esc) {
            if (str[p] == '\'' && (inside_quotes || str.find('\'', p + 1) != std::string_view::npos)) {
                inside_quotes = !inside_quotes;
                if (inside_quotes) {
                    end = dest.size();
                }
            } else {
                dest.push_back(str[p]);
                if (str[p] != ' ' || inside_quotes) {
                    end = dest.size();
                }
            }
        }
    }
    if (end) {
        dest.resize(*end);
    }
    return dest;
}

}  // namespace

std::vector<std::string> separate_string(std::string_view s, char delim, std::size_t max) {
    s = s.substr(0, s.find('\0'));
    if (s.size() >= 4 && s[0] == '^' && s[1] == '^') {
        delim = s[2];
        s.remove_prefix(3);
    }
    // A literal port of separate_string_char_delim / _blank_delim: fields
    // start where the tokenizer starts them and end at the delimiter it cuts.
    enum { start, skip_initial_space, find_delim, skip_ending_space } state = start;
    std::vector<std::size_t> starts;
    std::vector<std::size_t> ends;
    bool inside_quotes = false;
    std::size_t p = 0;
    while (p < s.size() && starts.size() < max) {
        switch (state) {
            case start:
                starts.push_back(p);
                ends.push_back(std::string_view::npos);
                state = delim == ' ' ? skip_initial_space : find_delim;
                break;
            case skip_initial_space:
                if (s[p] == ' ') {
                    ++p;
                } else {
                    state = find_delim;
                }
                break;
            case find_delim:
                if (s[p] == k_escape) {
                    ++p;
                } else if (s[p] == '\'' &&
                           (delim == ' ' || inside_quotes || s.find('\'', p + 1) != std::string_view::npos)) {
                    inside_quotes = !inside_quotes;
                } else if (s[p] == delim && !inside_quotes) {
                    ends.back() = p;
                    state = delim == ' ' ? skip_ending_space : start;
                }
                ++p;
                break;
            case skip_ending_space:
                if (s[p] == ' ') {
                    ++p;
                } else {
                    state = start;
                }
                break;
        }
    }
    std::vector<std::string> out;
    out.reserve(starts.size());
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const std::size_t len = ends[i] == std::string_view::npos ? std::string_view::npos : ends[i] - starts[i];
        out.push_back(cleanup(s.substr(starts[i], len), delim == ' ' ? '\0' : delim));
    }
    return out;
}

void strip_cr(std::string& s) {
    auto p = s.find('\r');
    if (p == std::string::npos) {
        p = s.find('\n');
    }
    if (p != std::string::npos) {
        s.resize(p);
    }
}

long long c_atoi(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
        ++i;
    }
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        ++i;
    }
    long long v = 0;
    constexpr long long k_max = std::numeric_limits<long long>::max() / 10 - 10;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (v < k_max) {
            v = v * 10 + (s[i] - '0');
        }
    }
    return neg ? -v : v;
}

bool switch_true(std::string_view s) noexcept {
    for (const std::string_view w : {"yes", "on", "true", "t", "enabled", "active", "allow"}) {
        if (header_name_equal(s, w)) {
            return true;
        }
    }
    std::string_view digits = s;
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
        digits.remove_prefix(1);
    }
    for (const char c : digits) {
        if (!((c >= '0' && c <= '9') || c == '.')) {
            return false;
        }
    }
    return c_atoi(s) != 0;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && header_name_equal(s.substr(0, prefix.size()), prefix);
}

bool contains_nocase(std::string_view haystack, std::string_view needle) noexcept {
    if (needle.size() > haystack.size()) {
        return false;
    }
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (header_name_equal(haystack.substr(i, needle.size()), needle)) {
            return true;
        }
    }
    return false;
}

}  // namespace fax::esl
