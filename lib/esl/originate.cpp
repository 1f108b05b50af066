#include "esl/originate.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdio>
#include <utility>

#include <fmt/format.h>

#include "esl/message.hpp"

namespace fax::esl {

namespace {

constexpr char k_escape = '\\';
constexpr std::size_t k_max_peers = 128;    // MAX_PEERS: `|` groups, `,` legs
constexpr std::size_t k_block_pairs = 1024; // var_array in switch_event_create_brackets
constexpr std::size_t k_api_argv = 10;      // argv[10] in originate_function
constexpr char k_quoted_esc_comma = '\x01';
constexpr char k_unquoted_esc_comma = '\x02';

core::Error data_error(std::string message) { return core::make_error(core::Errc::data, std::move(message)); }

bool iequals(std::string_view a, std::string_view b) noexcept { return header_name_equal(a, b); }

// atoi: an int (c_atoi gives a wider, clamped value).
int atoi_int(std::string_view text) noexcept {
    const long long v = c_atoi(text);
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : static_cast<int>(v);
}

std::string_view c_string(std::string_view s) noexcept { return s.substr(0, s.find('\0')); }

std::string_view skip_spaces(std::string_view s) noexcept {
    const auto at = s.find_first_not_of(' ');
    return at == std::string_view::npos ? std::string_view{} : s.substr(at);
}

// Whether the tokenizer of switch_separate_string, splitting \a s, meets a
// `\` as the last byte: FreeSWITCH then steps past the terminating NUL.
bool escape_overruns(std::string_view s, char delim, std::size_t max) noexcept {
    s = c_string(s);
    if (s.size() >= 4 && s[0] == '^' && s[1] == '^') {
        delim = s[2];
        s.remove_prefix(3);
    }
    enum class St { start, skip_initial, find, skip_ending } st = St::start;
    std::size_t parts = 0;
    std::size_t p = 0;
    bool quoted = false;
    while (p < s.size() && parts < max) {
        switch (st) {
        case St::start:
            ++parts;
            st = delim == ' ' ? St::skip_initial : St::find;
            break;
        case St::skip_initial:
        case St::skip_ending:
            if (s[p] == ' ') {
                ++p;
            } else {
                st = st == St::skip_initial ? St::find : St::start;
            }
            break;
        case St::find:
            if (s[p] == k_escape) {
                if (++p >= s.size()) {
                    return true;
                }
            } else if (s[p] == '\'' && (delim == ' ' || quoted || s.find('\'', p + 1) != std::string_view::npos)) {
                quoted = !quoted;
            } else if (s[p] == delim && !quoted) {
                st = delim == ' ' ? St::skip_ending : St::start;
            }
            ++p;
            break;
        }
    }
    return false;
}

// esl::separate_string, refusing input on which FreeSWITCH reads past the end.
core::Result<std::vector<std::string>> split(std::string_view text, char delim, std::size_t max) {
    if (escape_overruns(text, delim, max)) {
        return data_error(fmt::format("'{}' ends in a lone backslash (FreeSWITCH reads past the end of the string here)", text));
    }
    return separate_string(text, delim, max);
}

// switch_find_end_paren: index of the bracket closing the one \a s opens
// (after leading spaces), counting nested openers; quotes and escapes are not
// special.
std::optional<std::size_t> find_end_paren(std::string_view s, char open, char close) noexcept {
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ') {
        ++i;
    }
    if (i >= s.size() || s[i] != open) {
        return std::nullopt;
    }
    int depth = 1;
    for (std::size_t e = i + 1; e < s.size(); ++e) {
        if (s[e] == open && open != close) {
            ++depth;
        } else if (s[e] == close) {
            if (--depth == 0) {
                return e;
            }
        }
    }
    return std::nullopt;
}

// switch_event_create_brackets on the block \a text opens: its pairs go into
// \a vars; returns the index after the closing bracket.
core::Result<std::size_t> parse_block(std::string_view text, char open, char close, char comma, VarList& vars) {
    const auto end = find_end_paren(text, open, close);
    if (!end) {
        return data_error(fmt::format("'{}' block does not close: {}", open, text));
    }
    std::string_view body = text.substr(1, *end - 1);
    char delim = comma;
    if (body.size() >= 2 && body[0] == '^' && body[1] == '^') {
        if (body.size() == 2) {
            return data_error(fmt::format("'{}^^{}' names no separator (FreeSWITCH reads past the end here)", open, close));
        }
        delim = body[2];
        body.remove_prefix(3);
    }
    auto pairs = split(body, delim, k_block_pairs);
    if (!pairs) {
        return std::move(pairs).error();
    }
    for (const auto& pair : *pairs) {
        auto kv = split(pair, '=', 2);
        if (!kv) {
            return std::move(kv).error();
        }
        if (kv->size() == 2) {
            vars.set((*kv)[0], (*kv)[1]);
        }
    }
    return *end + 1;
}

// The pass switch_ivr_originate runs over a group before its leg split: a ','
// inside a `[…]` block is replaced by a marker so the leg split keeps it;
// QUOTED ones (after an odd number of quotes, or in a `[^^…]` block) become ','
// again before the block is read, UNQUOTED ones separate the block's pairs.
void escape_block_commas(std::string& g) {
    std::optional<std::size_t> end;
    bool quoted = false;
    bool alt = false;
    for (std::size_t p = 0; p < g.size(); ++p) {
        if (!end && g[p] == '[') {
            if (const auto e = find_end_paren(std::string_view(g).substr(p), '[', ']')) {
                end = p + *e;
            }
            alt = p + 2 < g.size() && g[p + 1] == '^' && g[p + 2] == '^';
            quoted = false;
        }
        if (g[p] == '\'') {
            quoted = !quoted;
        }
        if (end && p < *end && g[p] == ',' && (p == 0 || g[p - 1] != k_escape)) {
            g[p] = (quoted || alt) ? k_quoted_esc_comma : k_unquoted_esc_comma;
        }
        if (end && p == *end) {
            end.reset();
        }
    }
}

// One leg: its `[…]` blocks, then the endpoint. A block that does not close
// fails the group (\a group_error), not the whole originate.
core::Result<Leg> parse_leg(std::string_view text, std::optional<std::string>& group_error) {
    std::string leg(skip_spaces(text));
    Leg out;
    std::size_t pos = 0;
    while (pos < leg.size() && leg[pos] == '[') {
        const auto bend = find_end_paren(std::string_view(leg).substr(pos), '[', ']');
        if (!bend) {
            std::string shown = leg.substr(pos);
            std::replace(shown.begin(), shown.end(), k_unquoted_esc_comma, ',');
            group_error = fmt::format("'[' block does not close: {}", shown);
            return out;
        }
        std::replace(leg.begin() + static_cast<std::ptrdiff_t>(pos) + 1, leg.begin() + static_cast<std::ptrdiff_t>(pos + *bend),
                     k_quoted_esc_comma, ',');
        auto next = parse_block(std::string_view(leg).substr(pos), '[', ']', k_unquoted_esc_comma, out.vars);
        if (!next) {
            return std::move(next).error();
        }
        pos += *next;
    }
    out.text = std::string(skip_spaces(std::string_view(leg).substr(pos)));
    out.endpoint = parse_endpoint(out.text);
    return out;
}

std::string_view strip_whitespace(std::string_view s) noexcept {
    auto ws = [](char c) { return c == '\r' || c == '\n' || c == '\t' || c == ' ' || c == '\v'; };
    while (!s.empty() && ws(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && ws(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::string switch_url_decode(std::string_view value) {
    const std::string in(c_string(value));  // NUL-terminated for sscanf
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        unsigned int byte = 0;
        if (in[i] == '%' && in.size() - i > 2 && std::sscanf(in.c_str() + i + 1, "%2x", &byte) == 1) {
            out.push_back(static_cast<char>(byte));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

bool names_a_variable(std::string_view value) noexcept {
    bool dollar = false;
    for (const char c : value) {
        if (c == '$') {
            dollar = true;
        } else if (dollar) {
            if (c == '{') {
                return true;
            }
            if (c != '\\') {
                dollar = false;
            }
        }
    }
    return false;
}

void VarList::erase(std::string_view name) {
    std::erase_if(m_items, [&](const ChannelVar& v) { return iequals(v.name, name); });
}

void VarList::set(std::string_view name, std::string_view value) {
    erase(name);
    if (!value.empty()) {
        m_items.push_back({std::string(name), std::string(value)});
    }
}

std::optional<std::string_view> VarList::get(std::string_view name) const noexcept {
    for (const auto& v : m_items) {
        if (iequals(v.name, name)) {
            return std::string_view(v.value);
        }
    }
    return std::nullopt;
}

Endpoint parse_endpoint(std::string_view leg_text) {
    Endpoint ep;
    const auto slash = leg_text.find('/');
    ep.type = std::string(leg_text.substr(0, slash));
    if (slash != std::string_view::npos) {
        ep.data = std::string(leg_text.substr(slash + 1));
    }
    const std::string_view data = ep.data ? std::string_view(*ep.data) : std::string_view{};
    if (ep.type == "sofia") {
        // sofia_outgoing_channel: "<profile>/<dest>" or "gateway/<gw>/<dest>"; '^' ends it.
        const std::string_view dest_number = data.substr(0, data.find('^'));
        if (starts_with_nocase(dest_number, "gateway/")) {
            ep.kind = EndpointKind::sofia_gateway;
            const std::string_view rest = dest_number.substr(8);
            const auto gw_end = rest.find('/');
            if (gw_end == std::string_view::npos) {
                ep.gateway = std::string(rest);
                ep.fails_with = Cause::invalid_url;
            } else {
                ep.gateway = std::string(rest.substr(0, gw_end));
                const std::string_view dest = rest.substr(gw_end + 1);
                const auto semi = dest.find(';');
                ep.destination = std::string(dest.substr(0, semi));
                if (semi != std::string_view::npos) {
                    ep.params = std::string(dest.substr(semi + 1));
                }
            }
        } else {
            ep.kind = EndpointKind::sofia_profile;
            const auto p_end = dest_number.find('/');
            ep.profile = std::string(dest_number.substr(0, p_end));
            if (p_end == std::string_view::npos) {
                ep.fails_with = Cause::invalid_url;
            } else {
                std::string_view dest = dest_number.substr(p_end + 1);
                if (starts_with_nocase(dest, "sip:")) {
                    dest.remove_prefix(4);
                } else if (starts_with_nocase(dest, "sips:")) {
                    dest.remove_prefix(5);
                }
                const auto at = dest.find('@');
                ep.destination = std::string(dest.substr(0, at));
                if (at != std::string_view::npos) {
                    ep.host = std::string(dest.substr(at + 1));
                }
            }
        }
        if (dest_number.empty()) {
            ep.fails_with = Cause::invalid_url;
        }
    } else if (ep.type == "loopback") {
        ep.kind = EndpointKind::loopback;
        const auto c = data.find('/');
        ep.destination = std::string(data.substr(0, c));
        if (c != std::string_view::npos) {
            const std::string_view rest = data.substr(c + 1);
            const auto d = rest.find('/');
            if (!rest.substr(0, d).empty()) {
                ep.context = std::string(rest.substr(0, d));
            }
            if (d != std::string_view::npos && d + 1 < rest.size()) {
                ep.dialplan = std::string(rest.substr(d + 1));
            }
        }
    } else if (ep.type == "user") {
        ep.kind = EndpointKind::user;
        const auto at = data.find('@');
        ep.destination = std::string(data.substr(0, at));
        if (at != std::string_view::npos) {
            ep.host = std::string(data.substr(at + 1));
        }
    } else if (ep.type == "error") {
        ep.kind = EndpointKind::error;
        ep.destination = std::string(data);
        const Cause c = str2cause(data);
        ep.fails_with = c == Cause::none ? Cause::destination_out_of_order : c;
    }
    return ep;
}

core::Result<DialString> parse_dial_string(std::string_view call_url) {
    std::string_view data = skip_spaces(c_string(call_url));
    if (data.find(":_:") != std::string_view::npos) {
        return data_error("enterprise originate (':_:') is not supported");
    }
    DialString out;
    out.nested_vars = contains_nocase(data, "origination_nested_vars=true");
    for (const auto& [open, close] : {std::pair{'<', '>'}, std::pair{'{', '}'}}) {
        while (!data.empty() && data[0] == open) {
            auto next = parse_block(data, open, close, ',', out.global_vars);
            if (!next) {
                return std::move(next).error();
            }
            data.remove_prefix(*next);
        }
    }
    data = skip_spaces(data);
    if (data.empty()) {
        return data_error("no origination URL specified");
    }
    auto groups = split(data, '|', k_max_peers);
    if (!groups) {
        return std::move(groups).error();
    }
    for (auto& g : *groups) {
        escape_block_commas(g);
        auto legs = split(g, ',', k_max_peers);
        if (!legs) {
            return std::move(legs).error();
        }
        LegGroup group;
        for (const auto& text : *legs) {
            auto leg = parse_leg(text, group.error);
            if (!leg) {
                return std::move(leg).error();
            }
            if (group.error) {
                break;
            }
            group.legs.push_back(std::move(*leg));
        }
        out.groups.push_back(std::move(group));
    }
    return out;
}

core::Result<OriginateRequest> parse_originate(std::string_view argument) {
    const std::string_view arg = strip_whitespace(c_string(argument));
    if (arg.empty()) {
        return core::make_error(core::Errc::usage, "originate: no arguments");
    }
    auto argv = split(arg, ' ', k_api_argv);
    if (!argv) {
        return std::move(argv).error();
    }
    if (argv->size() < 2 || argv->size() > 7) {
        return core::make_error(core::Errc::usage, fmt::format("originate: {} arguments, expected 2 to 7", argv->size()));
    }
    std::vector<std::optional<std::string>> a(7);
    for (std::size_t x = 0; x < argv->size(); ++x) {
        if (!iequals((*argv)[x], "undef")) {
            a[x] = std::move((*argv)[x]);
        }
    }
    if (!a[0] || !a[1]) {
        return data_error("originate: the call url and the extension must not be 'undef' (FreeSWITCH crashes)");
    }
    OriginateRequest req;
    req.call_url = *a[0];
    auto dial = parse_dial_string(req.call_url);
    if (!dial) {
        auto e = std::move(dial).error();
        e.message = "originate: " + e.message;
        return e;
    }
    req.dial = std::move(*dial);
    const std::string& exten = *a[1];
    if (exten.size() > 1 && exten[0] == '&') {
        std::string_view app = std::string_view(exten).substr(1);
        app = app.substr(0, app.find(')'));
        Application application;
        const auto paren = app.find('(');
        application.name = std::string(app.substr(0, paren));
        if (paren != std::string_view::npos) {
            application.arg = std::string(app.substr(paren + 1));
        }
        req.app = std::move(application);
    } else {
        req.extension = exten;
    }
    if (a[2]) {
        req.dialplan = *a[2];
    }
    if (a[3]) {
        req.context = *a[3];
    }
    req.cid_name = a[4];
    req.cid_num = a[5];
    if (a[6]) {
        req.timeout_sec = static_cast<std::uint32_t>(atoi_int(*a[6]));
        if (req.timeout_sec == 0) {
            req.timeout_sec = 60;
        }
    }
    // switch_ivr_originate puts the cid arguments into the variables unless set there.
    if (req.cid_name && !req.dial.global_vars.get("origination_caller_id_name")) {
        req.dial.global_vars.set("origination_caller_id_name", *req.cid_name);
    }
    if (req.cid_num && !req.dial.global_vars.get("origination_caller_id_number")) {
        req.dial.global_vars.set("origination_caller_id_number", *req.cid_num);
    }
    return req;
}

std::string originate_usage_reply() { return fmt::format("-USAGE: {}\n", k_originate_syntax); }

std::string originate_error_reply(const core::Error& error) {
    if (error.code == core::Errc::usage) {
        return originate_usage_reply();
    }
    return fmt::format("-ERR {}\n", cause_name(Cause::destination_out_of_order));
}

VarList endpoint_variables(const DialString& dial, const Leg& leg) {
    VarList out = dial.global_vars;
    for (const auto& v : leg.vars.items()) {
        out.set(v.name, v.value);
    }
    return out;
}

VarList channel_variables(const DialString& dial, const Leg& leg) {
    VarList out;
    auto install = [&](const VarList& vars) {
        for (const auto& v : vars.items()) {
            out.erase(v.name);
            if (dial.nested_vars || !names_a_variable(v.value)) {
                out.set(v.name, v.value);
            }
        }
    };
    const auto clobber = dial.global_vars.get("local_var_clobber");
    if (clobber && switch_true(*clobber)) {
        install(dial.global_vars);
        install(leg.vars);
    } else {
        install(leg.vars);
        install(dial.global_vars);
    }
    return out;
}

LegSettings leg_settings(const OriginateRequest& request, const Leg& leg) {
    LegSettings s;
    const VarList chan = channel_variables(request.dial, leg);
    if (const auto v = chan.get("fax_ident")) {
        s.fax_ident = switch_url_decode(*v);
    }
    if (const auto v = chan.get("fax_header")) {
        s.fax_header = switch_url_decode(*v);
    }
    const std::pair<const char*, bool*> flags[] = {
        {"fax_use_ecm", &s.fax_use_ecm},       {"fax_disable_v17", &s.fax_disable_v17},
        {"fax_enable_t38", &s.fax_enable_t38}, {"fax_enable_t38_request", &s.fax_enable_t38_request},
        {"fax_verbose", &s.fax_verbose},
    };
    for (const auto& [name, flag] : flags) {
        if (const auto v = chan.get(name)) {
            *flag = switch_true(*v);
        }
    }
    if (const auto v = chan.get("absolute_codec_string")) {
        s.absolute_codec_string = std::string(*v);
    }
    if (const auto v = chan.get("leg_timeout"); v && atoi_int(*v) > 0) {
        s.leg_timeout_sec = static_cast<std::uint32_t>(atoi_int(*v));
    }
    const VarList ep = endpoint_variables(request.dial, leg);
    if (const auto v = ep.get("origination_uuid")) {
        s.origination_uuid = std::string(*v);
    }
    if (const auto v = ep.get("origination_caller_id_name")) {
        s.caller_id_name = std::string(*v);
    }
    if (const auto v = ep.get("origination_caller_id_number")) {
        s.caller_id_number = std::string(*v);
    }
    const VarList& global = request.dial.global_vars;
    s.originate_timeout_sec = request.timeout_sec;
    if (const auto v = global.get("originate_timeout"); v && atoi_int(*v) > 0) {
        s.originate_timeout_sec = static_cast<std::uint32_t>(atoi_int(*v));
    }
    if (const auto v = global.get("ignore_early_media")) {
        if (switch_true(*v)) {
            s.early_media = EarlyMedia::ignore;
        } else if (*v == "consume") {
            s.early_media = EarlyMedia::consume;
        } else if (*v == "ring_ready") {
            s.early_media = EarlyMedia::ring_ready;
        }
    }
    return s;
}

std::vector<LegPosition> legs_reusing_uuid(const OriginateRequest& request) {
    std::vector<std::string> seen;
    std::vector<LegPosition> out;
    for (std::size_t g = 0; g < request.dial.groups.size(); ++g) {
        const auto& legs = request.dial.groups[g].legs;
        for (std::size_t l = 0; l < legs.size(); ++l) {
            const VarList ep = endpoint_variables(request.dial, legs[l]);
            const auto uuid = ep.get("origination_uuid");
            if (!uuid) {
                continue;
            }
            if (std::find(seen.begin(), seen.end(), *uuid) != seen.end()) {
                out.push_back({g, l});
            } else {
                seen.emplace_back(*uuid);
            }
        }
    }
    return out;
}

}  // namespace fax::esl
