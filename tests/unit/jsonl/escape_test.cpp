// fax::jsonl JSON string escaping: quotes, backslash, control characters,
// UTF-8 kept when well-formed and repaired (U+FFFD per maximal ill-formed
// subpart, Unicode 15 §3.9) when not. The three writers agree byte for byte.

#include <cctype>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "jsonl/escape.hpp"
#include "support/utf8_ref.hpp"

namespace {

using faxkit_test::k_fffd;

std::string via_append(std::string_view s) {
    std::string out = "[";
    fax::jsonl::append_json_string(out, s);
    EXPECT_EQ(out[0], '[') << "appends";
    return out.substr(1);
}

// Room the writers may use past the end of their output (see escape.hpp:
// whole blocks are stored), and readable bytes they need after the input.
constexpr std::size_t k_slack = fax::jsonl::k_read_padding;

std::string via_write(std::string_view s) {
    std::string buf(fax::jsonl::json_string_max_size(s.size()) + k_slack, '\0');
    char* end = fax::jsonl::write_json_string(buf.data(), s);
    EXPECT_LE(static_cast<std::size_t>(end - buf.data()), fax::jsonl::json_string_max_size(s.size()));
    buf.resize(static_cast<std::size_t>(end - buf.data()));
    return buf;
}

std::string via_padded(std::string_view s) {
    // Garbage after the end of the input must not change the output.
    std::string in(s);
    std::string garbage;
    while (garbage.size() < fax::jsonl::k_read_padding) {
        garbage +=
            "\"\\\x80\xC3\n\x01\xFF"
            "a";
    }
    in += garbage;
    const std::string_view view(in.data(), s.size());
    std::string buf(fax::jsonl::json_string_max_size(s.size()) + k_slack, '\0');
    char* end = fax::jsonl::write_json_string_padded(buf.data(), view);
    EXPECT_LE(static_cast<std::size_t>(end - buf.data()), fax::jsonl::json_string_max_size(s.size()));
    buf.resize(static_cast<std::size_t>(end - buf.data()));
    return buf;
}

/// The escaped literal (all three writers must agree), checked to be valid
/// JSON with no raw control characters.
std::string escaped(std::string_view s) {
    const std::string a = via_append(s);
    EXPECT_EQ(via_write(s), a) << "write_json_string differs from append_json_string";
    EXPECT_EQ(via_padded(s), a) << "write_json_string_padded differs from append_json_string";
    for (const char c : a) {
        EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte in output";
    }
    return a;
}

/// What the literal means once parsed.
std::string meaning(std::string_view s) {
    const std::string lit = escaped(s);
    return nlohmann::json::parse(lit).get<std::string>();
}

std::string repaired(std::string_view s) { return faxkit_test::repaired_utf8(s); }

TEST(EscapeTest, QuotesAndBackslash) {
    EXPECT_EQ(escaped(""), "\"\"");
    EXPECT_EQ(escaped("plain text"), "\"plain text\"");
    EXPECT_EQ(escaped("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(escaped("/"), "\"/\"");
}

TEST(EscapeTest, ControlCharacters) {
    EXPECT_EQ(escaped("\n"), "\"\\n\"");
    EXPECT_EQ(escaped("\t"), "\"\\t\"");
    EXPECT_EQ(escaped("\r"), "\"\\r\"");
    for (int c = 0; c < 0x20; ++c) {
        const std::string s(1, static_cast<char>(c));
        const std::string lit = escaped(s);
        if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
            char want[8];
            std::snprintf(want, sizeof want, "\\u%04x", c);
            std::string lower = lit;
            for (auto& ch : lower) {
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            }
            EXPECT_EQ(lower, "\"" + std::string(want) + "\"") << "byte " << c;
        }
        EXPECT_EQ(meaning(s), s) << "byte " << c;
    }
    EXPECT_EQ(meaning(std::string("a\0b", 3)), std::string("a\0b", 3));
    EXPECT_EQ(meaning("\x7F"), "\x7F");
}

TEST(EscapeTest, WellFormedUtf8IsKept) {
    for (const std::string s :
         {"M\xC3\xBCller", "\xE2\x82\xAC", "\xF0\x9F\x93\xA0", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
          "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD"}) {
        EXPECT_EQ(escaped(s), "\"" + s + "\"");
    }
}

TEST(EscapeTest, IllFormedUtf8BecomesReplacement) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"\x80", k_fffd},  // lone continuation
        {"a\xBF"
         "b",
         "a" + k_fffd + "b"},             // lone continuation inside
        {"\xE2\x82", k_fffd},             // truncated at the end
        {"x\xF0\x9F\x93", "x" + k_fffd},  // truncated 4-byte at the end
        {"\xC2", k_fffd},                 // truncated 2-byte at the end
        {"\xE2\x82"
         "A",
         k_fffd + "A"},  // truncated before ASCII
        {"\xC2\x41", k_fffd + "A"},
        {"\xC0\x80", k_fffd + k_fffd},                            // overlong NUL
        {"\xC1\xBF", k_fffd + k_fffd},                            // overlong
        {"\xE0\x80\x80", k_fffd + k_fffd + k_fffd},               // overlong 3-byte
        {"\xF0\x80\x80\x80", k_fffd + k_fffd + k_fffd + k_fffd},  // overlong 4-byte
        {"\xED\xA0\x80", k_fffd + k_fffd + k_fffd},               // surrogate U+D800
        {"\xED\xBF\xBF", k_fffd + k_fffd + k_fffd},               // surrogate U+DFFF
        {"\xF4\x90\x80\x80", k_fffd + k_fffd + k_fffd + k_fffd},  // > U+10FFFF
        {"\xF5\x80\x80\x80", k_fffd + k_fffd + k_fffd + k_fffd},  // F5
        {"\xF8\x88\x80\x80\x80", std::string() + k_fffd + k_fffd + k_fffd + k_fffd + k_fffd},
        {"\xFE", k_fffd},
        {"\xFF", k_fffd},
        {"\xE2\x82\xAC\xE2\x82", "\xE2\x82\xAC" + k_fffd},
        {"\xF1\x80\x80\xE1\x80\xC0", k_fffd + k_fffd + k_fffd},  // Unicode's own example (Table 3-8 style)
    };
    for (const auto& [in, want] : cases) {
        EXPECT_EQ(escaped(in), "\"" + want + "\"") << "input of " << in.size() << " bytes";
        EXPECT_EQ(repaired(in), want) << "the reference agrees";
    }
}

TEST(EscapeTest, RandomMixesAgreeWithReference) {
    const std::vector<std::string> atoms = {"a",
                                            "Z",
                                            " ",
                                            "\"",
                                            "\\",
                                            "\n",
                                            "\x01",
                                            "\x1F",
                                            "\x7F",
                                            "\x80",
                                            "\xBF",
                                            "\xC0",
                                            "\xC2",
                                            "\xDF",
                                            "\xE0",
                                            "\xA0",
                                            "\xED",
                                            "\x9F",
                                            "\xF0",
                                            "\x90",
                                            "\xF4",
                                            "\x8F",
                                            "\xF5",
                                            "\xFF",
                                            "\xC3\xBC",
                                            "\xE2\x82\xAC",
                                            "\xF0\x9F\x93\xA0",
                                            "abcdefgh",
                                            "12345678901234567"};
    for (const std::uint32_t seed : {1U, 2U, 3U}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 rng(seed);
        for (int n = 0; n < 700; ++n) {
            std::string s;
            const std::size_t len = rng() % 24;
            for (std::size_t i = 0; i < len; ++i) {
                s += atoms[rng() % atoms.size()];
            }
            const std::string got = meaning(s);
            if (got != repaired(s)) {
                ADD_FAILURE() << "input #" << n << " of " << s.size() << " bytes";
                return;
            }
        }
    }
}

TEST(EscapeTest, MaxSizeBoundHolds) {
    std::string worst;
    for (int i = 0; i < 50; ++i) {
        worst += "\x01\xFF";
    }
    EXPECT_LE(via_append(worst).size(), fax::jsonl::json_string_max_size(worst.size()));
}

}  // namespace
