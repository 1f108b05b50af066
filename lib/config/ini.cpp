#include "config/ini.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

#include <fmt/format.h>

#include "core/file.hpp"

namespace fax::config {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

bool valid_name(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) {
        return false;
    }
    for (const char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
            return false;
        }
    }
    return true;
}

// Parses a value: quoted parts, escapes, comments; trailing blanks outside quotes dropped.
core::Result<std::string> parse_value(std::string_view v, const std::string& where) {
    std::string out;
    bool quoted = false;
    std::size_t keep = 0;  // length of out that must survive trailing-space trimming
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (!quoted && (c == ';' || c == '#')) {
            break;
        }
        if (c == '"') {
            quoted = !quoted;
            keep = out.size();
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= v.size()) {
                return core::make_error(core::Errc::config, fmt::format("{}: backslash at end of line", where));
            }
            const char e = v[++i];
            switch (e) {
                case 'n': out.push_back('\n'); break;
                case 't': out.push_back('\t'); break;
                case 'b': if (!out.empty()) { out.pop_back(); } break;
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                default:
                    return core::make_error(core::Errc::config, fmt::format("{}: unknown escape '\\{}'", where, e));
            }
            keep = out.size();
            continue;
        }
        out.push_back(c);
        if (quoted || !std::isspace(static_cast<unsigned char>(c))) {
            keep = out.size();
        }
    }
    if (quoted) {
        return core::make_error(core::Errc::config, fmt::format("{}: unterminated quote", where));
    }
    out.resize(keep);
    return out;
}

// Section names fold case; a subsection ("section.sub") keeps its case, as in gcfg.
std::string section_key(std::string_view section) {
    const auto dot = section.find('.');
    if (dot == std::string_view::npos) {
        return lower(section);
    }
    return lower(section.substr(0, dot)) + std::string(section.substr(dot));
}

}  // namespace

core::Result<Ini> Ini::parse(std::string_view text, std::string_view source) {
    Ini ini;
    ini.m_source.assign(source);
    std::string section;
    unsigned line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        const std::string where = fmt::format("{}:{}", source, line_no);
        line = trim(line);
        if (line.empty() || line.front() == ';' || line.front() == '#') {
            if (nl == text.size()) {
                break;
            }
            continue;
        }
        if (line.front() == '[') {
            const auto close = line.find(']');
            if (close == std::string_view::npos) {
                return core::make_error(core::Errc::config, fmt::format("{}: section header without ']'", where));
            }
            std::string_view inner = trim(line.substr(1, close - 1));
            std::string_view rest = trim(line.substr(close + 1));
            if (!rest.empty() && rest.front() != ';' && rest.front() != '#') {
                return core::make_error(core::Errc::config, fmt::format("{}: text after section header", where));
            }
            const auto sp = inner.find_first_of(" \t");
            std::string_view name = inner.substr(0, sp);
            if (!valid_name(name)) {
                return core::make_error(core::Errc::config, fmt::format("{}: bad section name '{}'", where, name));
            }
            section = lower(name);
            if (sp != std::string_view::npos) {
                std::string_view sub = trim(inner.substr(sp));
                if (sub.size() < 2 || sub.front() != '"' || sub.back() != '"') {
                    return core::make_error(core::Errc::config, fmt::format("{}: subsection must be quoted", where));
                }
                section.push_back('.');
                section.append(sub.substr(1, sub.size() - 2));
            }
        } else {
            if (section.empty()) {
                return core::make_error(core::Errc::config, fmt::format("{}: setting outside a [section]", where));
            }
            const auto eq = line.find('=');
            std::string_view key = trim(line.substr(0, eq));
            if (eq == std::string_view::npos) {
                const auto c = key.find_first_of(";#");
                key = trim(key.substr(0, c));
            }
            if (!valid_name(key)) {
                return core::make_error(core::Errc::config, fmt::format("{}: bad key '{}'", where, key));
            }
            Entry e;
            e.section = section;
            e.key = lower(key);
            e.line = line_no;
            if (eq == std::string_view::npos) {
                e.bare = true;
            } else {
                auto v = parse_value(trim(line.substr(eq + 1)), where);
                if (!v) {
                    return std::move(v).error();
                }
                e.value = std::move(*v);
            }
            ini.m_entries.push_back(std::move(e));
        }
        if (nl == text.size()) {
            break;
        }
    }
    return ini;
}

core::Result<Ini> Ini::load(const std::string& path) {
    auto text = core::read_file(path);
    if (!text) {
        return core::make_error(core::Errc::config, fmt::format("cannot read config {}: {}", path, text.error().message));
    }
    return parse(*text, path);
}

std::optional<std::string> Ini::get(std::string_view section, std::string_view key) const {
    const std::string s = section_key(section);
    const std::string k = lower(key);
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->section == s && it->key == k) {
            return it->value;
        }
    }
    return std::nullopt;
}

std::vector<std::string> Ini::get_all(std::string_view section, std::string_view key) const {
    const std::string s = section_key(section);
    const std::string k = lower(key);
    std::vector<std::string> out;
    for (const auto& e : m_entries) {
        if (e.section == s && e.key == k) {
            if (e.bare) {
                out.clear();
            } else {
                out.push_back(e.value);
            }
        }
    }
    return out;
}

core::Result<std::optional<bool>> Ini::get_bool(std::string_view section, std::string_view key) const {
    const std::string s = section_key(section);
    const std::string k = lower(key);
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->section != s || it->key != k) {
            continue;
        }
        if (it->bare) {
            return std::optional<bool>(true);
        }
        const std::string v = lower(it->value);
        if (v == "true" || v == "yes" || v == "on" || v == "1") {
            return std::optional<bool>(true);
        }
        if (v == "false" || v == "no" || v == "off" || v == "0" || v.empty()) {
            return std::optional<bool>(false);
        }
        return core::make_error(core::Errc::config, fmt::format("{}:{}: [{}] {} is not a boolean: '{}'", m_source, it->line,
                                                                section, key, it->value));
    }
    return std::optional<bool>{};
}

std::optional<std::string> resolve_config_path(const std::optional<std::string>& cli_path) {
    if (cli_path) {
        return cli_path;
    }
    if (const char* env = std::getenv("FAXKIT_CONFIG"); env != nullptr && *env != '\0') {
        return std::string(env);
    }
    for (const char* path : {"/etc/faxkit/faxkit.conf", "/etc/gofax.conf"}) {
        struct stat st{};
        if (::stat(path, &st) == 0) {
            return std::string(path);
        }
    }
    return std::nullopt;
}

}  // namespace fax::config
