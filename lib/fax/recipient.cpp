#include "fax/recipient.hpp"

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace fax::fax {

namespace {

constexpr std::size_t k_max_digits = 32;

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

/// Splits \a s at \a sep outside double quotes (with backslash escapes) and
/// outside <...>, the way SIP header lists and parameters nest.
std::vector<std::string_view> split_top(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    bool quoted = false;
    bool angle = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                quoted = false;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            angle = true;
        } else if (c == '>') {
            angle = false;
        } else if (c == sep && !angle) {
            out.push_back(trim(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    if (start <= s.size()) {
        out.push_back(trim(s.substr(start)));
    }
    return out;
}

/// One name-addr or addr-spec of a header list: its URI and the header
/// parameters after it (";reason=unconditional;index=1.1").
struct Entry {
    std::string_view uri;
    std::string_view params;
};

Entry parse_entry(std::string_view e) {
    bool quoted = false;
    for (std::size_t i = 0; i < e.size(); ++i) {
        const char c = e[i];
        if (quoted) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                quoted = false;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            const std::size_t close = e.find('>', i + 1);
            if (close == std::string_view::npos) {
                return {};
            }
            return {trim(e.substr(i + 1, close - i - 1)), e.substr(close + 1)};
        }
    }
    if (quoted) {
        return {};
    }
    // addr-spec: a URI with ';' must be in <>, so a ';' starts the parameters.
    const std::size_t semi = e.find(';');
    return {trim(e.substr(0, semi)), semi == std::string_view::npos ? std::string_view{} : e.substr(semi)};
}

/// The value of parameter \a name in ";a=1;b=2" (quotes removed), or nullopt.
std::optional<std::string_view> param(std::string_view params, std::string_view name) {
    for (std::string_view p : split_top(params, ';')) {
        const std::size_t eq = p.find('=');
        if (!iequal(trim(p.substr(0, eq)), name)) {
            continue;
        }
        std::string_view v = eq == std::string_view::npos ? std::string_view{} : trim(p.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
            v = v.substr(1, v.size() - 2);
        }
        return v;
    }
    return std::nullopt;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char l = lower(c);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

/// %XX decoded; a malformed escape is kept as it is (and then fails as a number).
std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hex_value(s[i + 1]);
            const int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

/// Without the visual separators of a telephone number (RFC 3966).
std::string without_separators(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c != '-' && c != '.' && c != '(' && c != ')') {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::string> first_number(std::string_view header) {
    for (std::string_view e : split_top(header, ',')) {
        if (auto n = number_from_uri(parse_entry(e).uri)) {
            return n;
        }
    }
    return std::nullopt;
}

/// "1.1.2" → "1.1"; "1" → "".
std::string_view parent_index(std::string_view index) noexcept {
    const std::size_t dot = index.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : index.substr(0, dot);
}

/// Every value of the first of \a names present in \a ev, as one
/// comma-separated list (an ARRAY:: variable is several headers).
std::string list_of(const esl::Event& ev, std::initializer_list<std::string_view> names) {
    for (std::string_view name : names) {
        std::string joined;
        for (const esl::Header& h : ev.headers()) {
            if (esl::header_name_equal(h.name, name) && !trim(h.value).empty()) {
                if (!joined.empty()) {
                    joined.append(", ");
                }
                joined.append(h.value);
            }
        }
        if (!joined.empty()) {
            return joined;
        }
    }
    return {};
}

std::optional<std::string> number_from_to(const esl::Event& ev) {
    if (auto n = number_from_user(ev.get("variable_sip_to_user"))) {
        return n;
    }
    const std::string_view to_uri = trim(ev.get("variable_sip_to_uri"));  // "user@host:port", no scheme
    if (!to_uri.empty()) {
        if (auto n = number_from_uri(std::string("sip:").append(to_uri))) {
            return n;
        }
    }
    return first_number(ev.get("variable_sip_full_to"));
}

}  // namespace

std::optional<std::string> number_from_user(std::string_view user) {
    std::string_view digits = user;
    if (!digits.empty() && digits.front() == '+') {
        digits.remove_prefix(1);
    }
    if (digits.empty() || digits.size() > k_max_digits) {
        return std::nullopt;
    }
    for (char c : digits) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
    }
    return std::string(user);
}

std::optional<std::string> number_from_uri(std::string_view uri) {
    uri = trim(uri);
    const std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view scheme = uri.substr(0, colon);
    std::string_view rest = uri.substr(colon + 1);
    if (iequal(scheme, "tel")) {
        // tel:+49-30-123456;phone-context=… : the number ends at the first parameter.
        return number_from_user(without_separators(percent_decode(rest.substr(0, rest.find(';')))));
    }
    if (!iequal(scheme, "sip") && !iequal(scheme, "sips")) {
        return std::nullopt;
    }
    const std::size_t at = rest.find('@');
    if (at == std::string_view::npos) {
        return std::nullopt;  // sip:host has no user
    }
    std::string_view user = rest.substr(0, at);
    user = user.substr(0, user.find(':'));  // a password
    user = user.substr(0, user.find(';'));  // user parameters (";npdi", ";rn=…")
    std::string_view host_part = rest.substr(at + 1);
    host_part = host_part.substr(0, host_part.find('?'));  // URI headers
    const std::size_t semi = host_part.find(';');
    const bool phone = semi != std::string_view::npos &&
                       iequal(param(host_part.substr(semi), "user").value_or(std::string_view{}), "phone");
    const std::string decoded = percent_decode(user);
    return number_from_user(phone ? without_separators(decoded) : decoded);
}

std::optional<std::string> number_from_diversion(std::string_view header) { return first_number(header); }

std::optional<std::string> number_from_p_called_party_id(std::string_view header) { return first_number(header); }

std::optional<std::string> number_from_history_info(std::string_view header) {
    struct Hop {
        std::string_view uri;
        std::string_view index;
    };
    std::vector<Hop> hops;
    for (std::string_view e : split_top(header, ',')) {
        if (e.empty()) {
            continue;
        }
        const Entry entry = parse_entry(e);
        hops.push_back({entry.uri, param(entry.params, "index").value_or(std::string_view{})});
    }
    if (hops.empty()) {
        return std::nullopt;
    }
    if (hops.size() == 1) {
        return number_from_uri(hops.front().uri);
    }
    // The diverting party by index: the parent of the last hop, then its ancestors.
    bool by_index = false;
    for (std::string_view idx = parent_index(hops.back().index); !idx.empty(); idx = parent_index(idx)) {
        for (const Hop& h : hops) {
            if (h.index == idx) {
                by_index = true;
                if (auto n = number_from_uri(h.uri)) {
                    return n;
                }
                break;
            }
        }
    }
    if (by_index) {
        return std::nullopt;
    }
    for (std::size_t i = hops.size() - 1; i-- > 0;) {
        if (auto n = number_from_uri(hops[i].uri)) {
            return n;
        }
    }
    return std::nullopt;
}

Recipient find_recipient(const esl::Event& channel_data, bool from_diversion) {
    const esl::Event& ev = channel_data;
    if (from_diversion) {
        if (auto n = number_from_diversion(list_of(ev, {"variable_sip_h_Diversion", "variable_sip_i_diversion"}))) {
            return {std::move(*n), "diversion"};
        }
        if (auto n = number_from_history_info(list_of(
                ev, {"variable_sip_history_info", "variable_sip_h_History-Info", "variable_sip_i_history_info"}))) {
            return {std::move(*n), "history-info"};
        }
        if (auto n = number_from_p_called_party_id(
                list_of(ev, {"variable_sip_h_P-Called-Party-ID", "variable_sip_i_p_called_party_id"}))) {
            return {std::move(*n), "p-called-party-id"};
        }
    }
    if (auto n = number_from_to(ev)) {
        return {std::move(*n), "to"};
    }
    if (auto n = number_from_user(ev.get("Caller-Destination-Number"))) {
        return {std::move(*n), "destination"};
    }
    return {};
}

}  // namespace fax::fax
