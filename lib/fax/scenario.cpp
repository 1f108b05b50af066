#include "fax/scenario.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fax::fax {

namespace {

using Json = nlohmann::ordered_json;
using esl::Cause;

constexpr std::size_t k_max_csi = 20;

// A SAX consumer that only records the first syntax error, for a message with
// line and column (the DOM parse runs without exceptions and says only "bad").
class ErrorSax final : public nlohmann::json_sax<Json> {
public:
    std::string message;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
        message = ex.what();
        return false;
    }
};

std::string json_key(std::string_view key) {
    std::string out = "[\"";
    for (const char c : key) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    return out + "\"]";
}

bool printable_ascii(std::string_view s) noexcept {
    for (const char c : s) {
        if (c < 0x20 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

}  // namespace

class ScenarioParser {
public:
    explicit ScenarioParser(std::string_view source) : m_source(source) {}

    core::Result<Scenario> run(std::string_view text) {
        const Json doc = Json::parse(text, nullptr, false);
        if (doc.is_discarded()) {
            ErrorSax sax;
            Json::sax_parse(text, &sax);
            return core::make_error(core::Errc::config, fmt::format("{}: not valid JSON: {}", m_source, sax.message));
        }
        Scenario s;
        if (!doc.is_object()) {
            return fail("$", "must be an object");
        }
        if (auto r = only_keys(doc, "$", {"comment", "gateways", "default", "numbers"}); !r) {
            return std::move(r).error();
        }
        if (auto r = comment(doc, "$"); !r) {
            return std::move(r).error();
        }
        if (doc.contains("gateways")) {
            const Json& gws = doc["gateways"];
            if (!gws.is_object()) {
                return fail("$.gateways", "must be an object of gateway name → \"up\" or \"down\"");
            }
            s.m_gateways_listed = true;
            for (const auto& [name, state] : gws.items()) {
                const std::string path = "$.gateways" + json_key(name);
                if (name.empty() || name.find('/') != std::string::npos) {
                    return fail(path, "a gateway name must be non-empty and without '/'");
                }
                const std::string word = state.is_string() ? state.get<std::string>() : std::string();
                if (word != "up" && word != "down") {
                    return fail(path, "must be \"up\" or \"down\"");
                }
                s.m_gateways.push_back({name, word == "up"});
            }
        }
        if (doc.contains("default")) {
            auto b = behaviour(doc["default"], "$.default");
            if (!b) {
                return std::move(b).error();
            }
            s.m_default = std::move(*b);
        }
        if (doc.contains("numbers")) {
            const Json& numbers = doc["numbers"];
            if (!numbers.is_object()) {
                return fail("$.numbers", "must be an object of number pattern → behaviour");
            }
            for (const auto& [key, value] : numbers.items()) {
                const std::string path = "$.numbers" + json_key(key);
                Scenario::Rule rule;
                rule.key = key;
                std::string_view pattern = key;
                if (const auto slash = pattern.find('/'); slash != std::string_view::npos) {
                    rule.gateway = std::string(pattern.substr(0, slash));
                    pattern.remove_prefix(slash + 1);
                    if (rule.gateway.empty()) {
                        return fail(path, "empty gateway name before '/'");
                    }
                }
                if (!pattern.empty() && pattern.back() == '*') {
                    rule.is_prefix = true;
                    pattern.remove_suffix(1);
                }
                if (pattern.find('*') != std::string_view::npos) {
                    return fail(path, "'*' is allowed only at the end of a number pattern");
                }
                if (pattern.empty() && !rule.is_prefix) {
                    return fail(path, "empty number (use \"*\" for every number)");
                }
                if (!printable_ascii(pattern) || pattern.find(' ') != std::string_view::npos) {
                    return fail(path, "a number pattern holds printable ASCII without spaces");
                }
                rule.pattern = std::string(pattern);
                auto b = behaviour(value, path);
                if (!b) {
                    return std::move(b).error();
                }
                rule.behaviour = std::move(*b);
                rule.behaviour.rule = key;
                s.m_rules.push_back(std::move(rule));
            }
        }
        return s;
    }

private:
    core::Error error(std::string_view path, std::string_view what) const {
        return core::make_error(core::Errc::config, fmt::format("{}: {}: {}", m_source, path, what));
    }
    core::Result<Scenario> fail(std::string_view path, std::string_view what) const { return error(path, what); }

    core::Result<void> only_keys(const Json& obj, std::string_view path, std::initializer_list<std::string_view> allowed) const {
        for (const auto& [key, value] : obj.items()) {
            bool known = false;
            for (const auto a : allowed) {
                known = known || key == a;
            }
            if (!known) {
                std::string list;
                for (const auto a : allowed) {
                    list += list.empty() ? "" : ", ";
                    list += a;
                }
                return error(fmt::format("{}{}", path, json_key(key)), fmt::format("unknown key (allowed: {})", list));
            }
        }
        return {};
    }

    core::Result<void> comment(const Json& obj, std::string_view path) const {
        if (obj.contains("comment") && !obj["comment"].is_string()) {
            return error(fmt::format("{}.comment", path), "must be a string");
        }
        return {};
    }

    core::Result<bool> boolean(const Json& obj, std::string_view path, const char* key, bool fallback) const {
        if (!obj.contains(key)) {
            return fallback;
        }
        if (!obj[key].is_boolean()) {
            return error(fmt::format("{}.{}", path, key), "must be true or false");
        }
        return obj[key].get<bool>();
    }

    core::Result<int> integer(const Json& obj, std::string_view path, const char* key, int fallback, int lo, int hi) const {
        if (!obj.contains(key)) {
            return fallback;
        }
        const Json& v = obj[key];
        if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi) {
            return error(fmt::format("{}.{}", path, key), fmt::format("must be a whole number from {} to {}", lo, hi));
        }
        return static_cast<int>(v.get<std::int64_t>());
    }

    core::Result<NumberBehaviour> behaviour(const Json& v, const std::string& path) const {
        NumberBehaviour b;
        std::string kind = "fax";
        if (v.is_string()) {
            kind = v.get<std::string>();
        } else if (v.is_object()) {
            if (v.contains("kind")) {
                if (!v["kind"].is_string()) {
                    return error(path + ".kind", "must be a string");
                }
                kind = v["kind"].get<std::string>();
            }
        } else {
            return error(path, "must be a kind (\"fax\", \"busy\", …) or an object");
        }
        const Json empty = Json::object();
        const Json& obj = v.is_object() ? v : empty;
        const std::string kind_path = v.is_object() ? path + ".kind" : path;
        if (auto r = comment(obj, path); !r) {
            return std::move(r).error();
        }
        auto ring = integer(obj, path, "ring_ms", 0, 0, 3'600'000);
        if (!ring) {
            return std::move(ring).error();
        }
        b.ring_ms = *ring;
        if (kind == "fax") {
            if (auto r = only_keys(obj, path, {"comment", "kind", "ring_ms", "csi", "ecm", "max_bit_rate", "t38", "noise_dbm0",
                                                "hangup_after_pages", "hangup_delay_ms", "txfax_hangs"});
                !r) {
                return std::move(r).error();
            }
            auto m = machine(obj, path);
            if (!m) {
                return std::move(m).error();
            }
            b.machine = std::move(*m);
            return b;
        }
        const std::pair<const char*, std::pair<Outcome, int>> named[] = {
            {"busy", {Outcome::busy, 486}},
            {"rejected", {Outcome::rejected, 603}},
            {"unallocated", {Outcome::unallocated, 404}},
            {"no_answer", {Outcome::no_answer, 0}},
        };
        for (const auto& [name, what] : named) {
            if (kind == name) {
                auto r = what.first == Outcome::no_answer ? only_keys(obj, path, {"comment", "kind"})
                                                          : only_keys(obj, path, {"comment", "kind", "ring_ms"});
                if (!r) {
                    return std::move(r).error();
                }
                b.outcome = what.first;
                b.sip_status = what.second;
                b.cause = what.second != 0 ? esl::sip_status_to_cause(what.second) : Cause::no_answer;
                return b;
            }
        }
        if (kind != "failure") {
            return error(kind_path,
                         fmt::format("unknown kind '{}' (fax, busy, no_answer, rejected, unallocated, failure)", kind));
        }
        if (auto r = only_keys(obj, path, {"comment", "kind", "ring_ms", "cause", "sip"}); !r) {
            return std::move(r).error();
        }
        b.outcome = Outcome::failure;
        if (obj.contains("sip")) {
            auto sip = integer(obj, path, "sip", 0, 300, 699);
            if (!sip) {
                return std::move(sip).error();
            }
            b.sip_status = *sip;
            b.cause = esl::sip_status_to_cause(*sip);
        }
        if (obj.contains("cause")) {
            const Json& c = obj["cause"];
            const auto cause = c.is_string() ? esl::cause_from_name(c.get_ref<const std::string&>()) : std::nullopt;
            if (!cause || *cause == Cause::none || *cause == Cause::success || *cause == Cause::normal_clearing) {
                return error(path + ".cause",
                             "must be the name of a FreeSWITCH failure cause (USER_BUSY, NORMAL_TEMPORARY_FAILURE, …)");
            }
            b.cause = *cause;
            if (b.sip_status == 0) {
                b.sip_status = esl::cause_to_sip_status(*cause);
            }
        }
        if (b.cause == Cause::none) {
            return error(path, "a failure needs \"cause\" or \"sip\"");
        }
        return b;
    }

    core::Result<FaxMachine> machine(const Json& obj, const std::string& path) const {
        FaxMachine m;
        if (obj.contains("csi")) {
            const Json& c = obj["csi"];
            const std::string csi = c.is_string() ? c.get<std::string>() : std::string(k_max_csi + 1, '?');
            if (csi.size() > k_max_csi || !printable_ascii(csi)) {
                return error(path + ".csi", "must be a string of at most 20 printable ASCII characters");
            }
            m.csi = csi;
        }
        auto ecm = boolean(obj, path, "ecm", true);
        if (!ecm) {
            return std::move(ecm).error();
        }
        m.ecm = *ecm;
        auto rate = integer(obj, path, "max_bit_rate", 14400, 0, 14400);
        if (!rate || (*rate != 14400 && *rate != 9600 && *rate != 7200 && *rate != 4800 && *rate != 2400)) {
            return error(path + ".max_bit_rate", "must be 14400, 9600, 7200, 4800 or 2400");
        }
        m.max_bit_rate = *rate;
        if (obj.contains("t38")) {
            const Json& t = obj["t38"];
            if (t.is_boolean()) {
                m.t38 = t.get<bool>() ? T38Support::yes : T38Support::no;
            } else if (t.is_string() && t.get_ref<const std::string&>() == "fails") {
                m.t38 = T38Support::fails;
            } else if (t.is_string() && t.get_ref<const std::string&>() == "late") {
                m.t38 = T38Support::late;
            } else if (t.is_string() && t.get_ref<const std::string&>() == "late_fails") {
                m.t38 = T38Support::late_fails;
            } else {
                return error(path + ".t38", "must be true, false, \"fails\", \"late\" or \"late_fails\"");
            }
        }
        if (obj.contains("noise_dbm0")) {
            const Json& n = obj["noise_dbm0"];
            if (!n.is_number() || !std::isfinite(n.get<double>()) || n.get<double>() < -90.0 || n.get<double>() > 0.0) {
                return error(path + ".noise_dbm0", "must be a number from -90 to 0 (dBm0)");
            }
            m.noise_dbm0 = n.get<double>();
        }
        auto pages = integer(obj, path, "hangup_after_pages", -1, 0, 10000);
        if (!pages) {
            return std::move(pages).error();
        }
        m.hangup_after_pages = *pages;
        auto delay = integer(obj, path, "hangup_delay_ms", 3000, 0, 3'600'000);
        if (!delay) {
            return std::move(delay).error();
        }
        if (obj.contains("hangup_delay_ms") && !obj.contains("hangup_after_pages")) {
            return error(path + ".hangup_delay_ms", "needs hangup_after_pages");
        }
        m.hangup_delay_ms = *delay;
        auto hangs = boolean(obj, path, "txfax_hangs", false);
        if (!hangs) {
            return std::move(hangs).error();
        }
        m.txfax_hangs = *hangs;
        return m;
    }

    std::string m_source;
};

std::string_view outcome_name(Outcome o) noexcept {
    switch (o) {
    case Outcome::fax:
        return "fax";
    case Outcome::busy:
        return "busy";
    case Outcome::no_answer:
        return "no_answer";
    case Outcome::rejected:
        return "rejected";
    case Outcome::unallocated:
        return "unallocated";
    case Outcome::failure:
        return "failure";
    case Outcome::gateway_down:
        return "gateway_down";
    case Outcome::invalid_gateway:
        return "invalid_gateway";
    }
    return "fax";
}

std::string FaxMachine::csi_for(std::string_view number) const {
    if (csi) {
        return *csi;
    }
    return std::string(number.size() > k_max_csi ? number.substr(number.size() - k_max_csi) : number);
}

Scenario::Scenario() {
    m_gateway_down.outcome = Outcome::gateway_down;
    m_gateway_down.cause = Cause::gateway_down;
    m_invalid_gateway.outcome = Outcome::invalid_gateway;
    m_invalid_gateway.cause = Cause::invalid_gateway;
}

core::Result<Scenario> Scenario::parse(std::string_view json_text, std::string_view source) {
    return ScenarioParser(source).run(json_text);
}

core::Result<Scenario> Scenario::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::make_error(core::Errc::config, fmt::format("cannot read scenario {}: {}", path, std::strerror(errno)));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return core::make_error(core::Errc::config, fmt::format("cannot read scenario {}", path));
    }
    return parse(text.str(), path);
}

GatewayState Scenario::gateway_state(std::string_view gateway) const noexcept {
    for (const auto& g : m_gateways) {
        if (g.name == gateway) {
            return g.up ? GatewayState::up : GatewayState::down;
        }
    }
    return m_gateways_listed ? GatewayState::unknown : GatewayState::up;
}

const NumberBehaviour& Scenario::behaviour_for(std::string_view gateway, std::string_view number) const noexcept {
    if (!gateway.empty()) {
        switch (gateway_state(gateway)) {
        case GatewayState::down:
            return m_gateway_down;
        case GatewayState::unknown:
            return m_invalid_gateway;
        case GatewayState::up:
            break;
        }
    }
    const Rule* best = nullptr;
    auto rank = [](const Rule& r) {
        // exact over prefix, longer prefix first, gateway-specific first
        return std::make_pair(r.is_prefix ? r.pattern.size() : std::size_t{1} << 30, r.gateway.empty() ? 0 : 1);
    };
    for (const auto& r : m_rules) {
        if (!r.gateway.empty() && r.gateway != gateway) {
            continue;
        }
        const bool match = r.is_prefix ? number.substr(0, r.pattern.size()) == r.pattern : number == r.pattern;
        if (match && (best == nullptr || rank(r) > rank(*best))) {
            best = &r;
        }
    }
    return best != nullptr ? best->behaviour : m_default;
}

}  // namespace fax::fax
