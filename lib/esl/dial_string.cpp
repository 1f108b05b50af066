#include "esl/dial_string.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include <fmt/format.h>

#include "esl/fs_string.hpp"
#include "esl/message.hpp"
#include "esl/originate.hpp"

namespace fax::esl {

namespace {

constexpr std::size_t k_max_name = 64;
constexpr std::size_t k_max_value = 1024;
constexpr std::size_t k_max_path = 1024;
constexpr std::size_t k_max_legs = 128;  // MAX_PEERS
constexpr char k_leg_delim = ';';        // `[^^;…]`

core::Error data_error(std::string message) { return core::make_error(core::Errc::data, std::move(message)); }

/// \a s for a one-line message: printable ASCII as is, other bytes as \xNN,
/// at most 40 bytes shown.
std::string shown(std::string_view s) {
    std::string out = "\"";
    const std::size_t n = std::min<std::size_t>(s.size(), 40);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
            out += fmt::format("\\x{:02x}", c);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out += s.size() > n ? "\"..." : "\"";
    return out;
}

bool is_control(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
}

bool is_alnum(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::optional<std::size_t> first_control(std::string_view s) noexcept {
    const auto it = std::find_if(s.begin(), s.end(), is_control);
    if (it == s.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(it - s.begin());
}

/// Brackets FreeSWITCH counts before any quote or escape: every closer must
/// follow its opener, or a value could close the block around it.
bool brackets_pair_up(std::string_view s, char open, char close) noexcept {
    long depth = 0;
    for (const char c : s) {
        if (c == open) {
            ++depth;
        } else if (c == close && --depth < 0) {
            return false;
        }
    }
    return depth == 0;
}

/// What one switch_separate_string split undoes in a field (cleanup): `\`
/// and `'` escaped, spaces as `\s` (a space delimiter, or spaces at a field's
/// ends, would be lost), \a delim escaped unless it is '\0'.
std::string escape_split(std::string_view s, char delim) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (const char c : s) {
        if (c == ' ') {
            out += "\\s";
        } else if (c == '\\' || c == '\'' || (delim != '\0' && c == delim)) {
            out.push_back('\\');
            out.push_back(c);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// Escaping changes nothing in \a s for any split of a `[]` value.
bool needs_no_escape(std::string_view s) noexcept {
    return s.find_first_of(" \\',|") == std::string_view::npos;
}

/// The value as mod_spandsp or FreeSWITCH must receive it (percent-encoded
/// for the URL-decoded variables), or why it cannot be carried.
core::Result<std::string> channel_value(std::string_view field, const DialVar& var) {
    const std::string_view v = var.value;
    if (v.empty()) {
        return data_error(fmt::format("{}: empty value (FreeSWITCH would unset the variable; leave it out)", field));
    }
    if (v.size() > k_max_value) {
        return data_error(fmt::format("{}: value of {} bytes, at most {}", field, v.size(), k_max_value));
    }
    if (const auto at = first_control(v)) {
        return data_error(fmt::format("{}: control character {} in the value", field, shown(v.substr(*at, 1))));
    }
    if (url_decoded_by_spandsp(var.name)) {
        return spandsp_url_encode(v);
    }
    if (names_a_variable(v)) {
        return data_error(
            fmt::format("{}: value {} names a variable ('${{'), which FreeSWITCH drops", field, shown(v)));
    }
    if (!brackets_pair_up(v, '{', '}') || !brackets_pair_up(v, '[', ']')) {
        return data_error(fmt::format("{}: value {} has brackets that do not pair up", field, shown(v)));
    }
    if (v.find(":_:") != std::string_view::npos) {
        return data_error(fmt::format("{}: value {} holds ':_:' (enterprise originate)", field, shown(v)));
    }
    if (v.starts_with("ARRAY::")) {
        return data_error(fmt::format("{}: value {} starts with 'ARRAY::' (a multi-valued variable)", field, shown(v)));
    }
    return std::string(v);
}

core::Result<void> check_names(const std::vector<DialVar>& vars, std::string_view where,
                               std::vector<std::string_view>& seen) {
    for (const auto& v : vars) {
        if (auto r = check_variable_name(v.name); !r) {
            return data_error(fmt::format("{}: {}", where, r.error().message));
        }
        for (const auto s : seen) {
            if (header_name_equal(s, v.name)) {
                return data_error(fmt::format("{}: variable {} given twice", where, v.name));
            }
        }
        seen.push_back(v.name);
    }
    return {};
}

/// `{name=value,…}`: a value passes the api, block and pair splits.
core::Result<std::string> global_block(const std::vector<DialVar>& vars) {
    std::string out = "{";
    for (const auto& v : vars) {
        auto value = channel_value(fmt::format("originate: variable {}", v.name), v);
        if (!value) {
            return std::move(value).error();
        }
        if (out.size() > 1) {
            out.push_back(',');
        }
        out += v.name;
        out.push_back('=');
        out += escape_split(escape_split(escape_split(*value, '\0'), ','), ' ');
    }
    out.push_back('}');
    return out;
}

/// `[name=value,…]`, or `[^^;name=value;…]` when a value needs escaping: a
/// value passes the api, group, leg, block and pair splits.
core::Result<std::string> leg_block(const std::vector<DialVar>& vars, std::size_t leg) {
    std::vector<std::string> values;
    bool plain = true;
    for (const auto& v : vars) {
        auto value = channel_value(fmt::format("originate: leg {} variable {}", leg, v.name), v);
        if (!value) {
            return std::move(value).error();
        }
        plain = plain && needs_no_escape(*value);
        values.push_back(std::move(*value));
    }
    std::string out = plain ? "[" : "[^^;";
    for (std::size_t i = 0; i < vars.size(); ++i) {
        if (i > 0) {
            out.push_back(plain ? ',' : k_leg_delim);
        }
        out += vars[i].name;
        out.push_back('=');
        if (plain) {
            out += values[i];
        } else {
            std::string v = escape_split(values[i], '\0');
            for (const char delim : {k_leg_delim, ',', '|', ' '}) {
                v = escape_split(v, delim);
            }
            out += v;
        }
    }
    out.push_back(']');
    return out;
}

/// `&txfax(<path>)`, escaped for the api split.
std::string txfax_app(std::string_view path) {
    std::string out = "&txfax(";
    out += escape_split(path, ' ');
    out.push_back(')');
    return out;
}

bool name_denied(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 3> k_prefixes = {"exec_", "api_after_", "transfer_after_"};
    static constexpr std::array<std::string_view, 6> k_parts = {"execute", "hook", "api_on_", "system_on_",
                                                                "origination_nested_vars", "local_var_clobber"};
    for (const auto p : k_prefixes) {
        if (starts_with_nocase(name, p)) {
            return true;
        }
    }
    for (const auto p : k_parts) {
        if (contains_nocase(name, p)) {
            return true;
        }
    }
    return false;
}

std::string_view trim_right(std::string_view s) noexcept {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

core::Result<void> check_number(std::string_view number) {
    std::string_view digits = number;
    if (digits.starts_with('+')) {
        digits.remove_prefix(1);
    }
    if (digits.empty()) {
        return data_error(fmt::format("number {}: empty", shown(number)));
    }
    if (number.size() > 64) {
        return data_error(fmt::format("number {}: longer than 64", shown(number)));
    }
    for (const char c : digits) {
        if (!((c >= '0' && c <= '9') || c == '*' || c == '#')) {
            return data_error(fmt::format("number {}: only digits, '*', '#' and a leading '+' are allowed",
                                          shown(number)));
        }
    }
    return {};
}

core::Result<void> check_gateway(std::string_view gateway) {
    if (gateway.empty() || gateway.size() > 64) {
        return data_error(fmt::format("gateway {}: must be 1 to 64 characters", shown(gateway)));
    }
    for (const char c : gateway) {
        if (!(is_alnum(c) || c == '_' || c == '.' || c == '-')) {
            return data_error(fmt::format("gateway {}: only letters, digits, '_', '.' and '-' are allowed",
                                          shown(gateway)));
        }
    }
    return {};
}

core::Result<void> check_variable_name(std::string_view name) {
    if (name.empty() || name.size() > k_max_name) {
        return data_error(fmt::format("variable name {}: must be 1 to {} characters", shown(name), k_max_name));
    }
    for (const char c : name) {
        if (!(is_alnum(c) || c == '_')) {
            return data_error(fmt::format("variable name {}: only letters, digits and '_' are allowed", shown(name)));
        }
    }
    if (name_denied(name)) {
        return data_error(fmt::format("variable name {}: runs an application or command, or changes how "
                                      "FreeSWITCH reads the dial string",
                                      shown(name)));
    }
    return {};
}

core::Result<void> check_fax_file(std::string_view path) {
    if (!path.starts_with('/')) {
        return data_error(fmt::format("fax file {}: not an absolute path", shown(path)));
    }
    if (path.size() > k_max_path) {
        return data_error(fmt::format("fax file {}: longer than {} bytes", shown(path), k_max_path));
    }
    if (const auto at = first_control(path)) {
        return data_error(fmt::format("fax file {}: control character {}", shown(path), shown(path.substr(*at, 1))));
    }
    if (const auto at = path.find_first_of(")$\\"); at != std::string_view::npos) {
        return data_error(fmt::format("fax file {}: '{}' cannot be passed to txfax", shown(path), path[at]));
    }
    if (path.back() == ' ') {
        return data_error(fmt::format("fax file {}: ends in a space", shown(path)));
    }
    return {};
}

bool url_decoded_by_spandsp(std::string_view name) noexcept {
    return header_name_equal(name, "fax_ident") || header_name_equal(name, "fax_header") ||
           header_name_equal(name, "fax_timezone");
}

std::string spandsp_url_encode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (const char c : text) {
        if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '+') {
            out.push_back(c);
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

void set_dial_var(std::vector<DialVar>& vars, std::string_view name, std::string_view value) {
    for (auto& v : vars) {
        if (header_name_equal(v.name, name)) {
            v.value = std::string(value);
            return;
        }
    }
    vars.push_back({std::string(name), std::string(value)});
}

core::Result<std::string> build_fax_originate(const FaxDial& dial) {
    if (dial.legs.empty() || dial.legs.size() > k_max_legs) {
        return data_error(fmt::format("originate: {} legs, expected 1 to {}", dial.legs.size(), k_max_legs));
    }
    if (auto r = check_fax_file(dial.file); !r) {
        return std::move(r).error();
    }
    std::vector<std::string_view> global_names;
    if (auto r = check_names(dial.vars, "originate", global_names); !r) {
        return std::move(r).error();
    }
    const bool global_uuid = std::any_of(dial.vars.begin(), dial.vars.end(), [](const DialVar& v) {
        return header_name_equal(v.name, "origination_uuid");
    });
    if (global_uuid && dial.legs.size() > 1) {
        return data_error("originate: origination_uuid for all legs: every leg needs its own (Duplicate UUID!)");
    }

    std::string out;
    if (!dial.vars.empty()) {
        auto block = global_block(dial.vars);
        if (!block) {
            return std::move(block).error();
        }
        out = std::move(*block);
    }
    std::vector<std::string_view> uuids;
    for (std::size_t i = 0; i < dial.legs.size(); ++i) {
        const DialLeg& leg = dial.legs[i];
        const std::string where = fmt::format("originate: leg {}", i + 1);
        if (auto r = check_gateway(leg.gateway); !r) {
            return data_error(fmt::format("{}: {}", where, r.error().message));
        }
        if (auto r = check_number(leg.number); !r) {
            return data_error(fmt::format("{}: {}", where, r.error().message));
        }
        std::vector<std::string_view> names = global_names;
        if (auto r = check_names(leg.vars, where, names); !r) {
            return std::move(r).error();
        }
        for (const auto& v : leg.vars) {
            if (!header_name_equal(v.name, "origination_uuid")) {
                continue;
            }
            if (std::find(uuids.begin(), uuids.end(), std::string_view(v.value)) != uuids.end()) {
                return data_error(fmt::format("{}: origination_uuid {} used by an earlier leg (Duplicate UUID!)",
                                              where, shown(v.value)));
            }
            uuids.push_back(v.value);
        }
        if (i > 0) {
            out.push_back('|');
        }
        if (!leg.vars.empty()) {
            auto block = leg_block(leg.vars, i + 1);
            if (!block) {
                return std::move(block).error();
            }
            out += *block;
        }
        out += "sofia/gateway/";
        out += leg.gateway;
        out.push_back('/');
        out += leg.number;
    }
    // Checked on the whole string: a name and a value could spell them together.
    if (contains_nocase(out, "origination_nested_vars=true")) {
        return data_error("originate: the dial string would contain 'origination_nested_vars=true'");
    }
    if (out.find(":_:") != std::string::npos) {
        return data_error("originate: the dial string would contain ':_:' (enterprise originate)");
    }
    out.push_back(' ');
    out += txfax_app(dial.file);
    return out;
}

bool db_field_safe(std::string_view field) noexcept {
    if (field.empty() || field.size() > 64) {
        return false;
    }
    return std::all_of(field.begin(), field.end(), [](char c) {
        return is_alnum(c) || c == '_' || c == '.' || c == '+' || c == '*' || c == '#' || c == '-';
    });
}

core::Result<std::string> db_fallback_exists(std::string_view number) {
    if (auto r = check_number(number); !r) {
        return std::move(r).error();
    }
    return fmt::format("exists/fallback/{}", number);
}

core::Result<std::string> db_override_list(std::string_view number) {
    if (auto r = check_number(number); !r) {
        return std::move(r).error();
    }
    return fmt::format("list/override-{}", number);
}

core::Result<std::string> db_override_select(std::string_view number, std::string_view key) {
    if (auto r = check_number(number); !r) {
        return std::move(r).error();
    }
    if (auto r = check_variable_name(key); !r) {
        return data_error(fmt::format("override key: {}", r.error().message));
    }
    return fmt::format("select/override-{}/{}", number, key);
}

core::Result<std::vector<std::string>> parse_override_keys(std::string_view reply) {
    const std::string_view body = trim_right(reply);
    std::vector<std::string> keys;
    if (body == "-ERR no reply") {
        return keys;
    }
    if (body.starts_with("-ERR") || body == "!err!") {
        return data_error(fmt::format("db list: error reply {}", shown(body)));
    }
    std::size_t start = 0;
    while (start <= body.size()) {
        const std::size_t comma = std::min(body.find(',', start), body.size());
        const std::string_view key = body.substr(start, comma - start);
        if (auto r = check_variable_name(key); !r) {
            return data_error(fmt::format("db list: override key: {}", r.error().message));
        }
        keys.emplace_back(key);
        start = comma + 1;
    }
    return keys;
}

std::optional<std::string> parse_db_value(std::string_view reply) {
    if (trim_right(reply) == "-ERR no reply") {
        return std::nullopt;
    }
    return std::string(reply);
}

}  // namespace fax::esl
