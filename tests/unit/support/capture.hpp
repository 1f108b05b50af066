#pragma once
// Test helpers: the ESL capture fixtures (tests/fixtures/esl/*.jsonl) and the
// oracle's expected output (tests/fixtures/esl/expected/, written by
// tests/tools/esl_capture_oracle.py).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faxkit_test {

inline std::string fixtures_dir() { return FAXKIT_FIXTURES_DIR; }
inline std::string esl_dir() { return fixtures_dir() + "/esl"; }

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string base64_decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
        const int v = value(c);
        if (v < 0) {
            continue;  // '=' padding
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFFU));
        }
    }
    return out;
}

/// One recorded TCP chunk.
struct Chunk {
    std::string dir;  // "FS->C" or "C->FS"
    std::string bytes;
};

/// The chunks of tests/fixtures/esl/<name>.jsonl (NOTE lines skipped).
inline std::vector<Chunk> load_capture(const std::string& name) {
    std::vector<Chunk> out;
    std::istringstream in(read_file(esl_dir() + "/" + name + ".jsonl"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto j = nlohmann::json::parse(line);
        const auto dir = j.at("dir").get<std::string>();
        if (dir == "FS->C" || dir == "C->FS") {
            out.push_back(Chunk{dir, base64_decode(j.at("b64").get<std::string>())});
        }
    }
    return out;
}

/// The chunks of one direction.
inline std::vector<std::string> chunks_of(const std::vector<Chunk>& capture, std::string_view dir) {
    std::vector<std::string> out;
    for (const auto& c : capture) {
        if (c.dir == dir) {
            out.push_back(c.bytes);
        }
    }
    return out;
}

inline std::string stream_of(const std::vector<Chunk>& capture, std::string_view dir) {
    std::string out;
    for (const auto& c : chunks_of(capture, dir)) {
        out += c;
    }
    return out;
}

/// Capture names (file stems), sorted.
inline std::vector<std::string> capture_names() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(esl_dir())) {
        if (e.path().extension() == ".jsonl") {
            out.push_back(e.path().stem().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// tests/fixtures/esl/expected/<file>.
inline nlohmann::json load_expected(const std::string& file) {
    return nlohmann::json::parse(read_file(esl_dir() + "/expected/" + file));
}

inline bool expected_exists(const std::string& file) {
    return std::filesystem::exists(esl_dir() + "/expected/" + file);
}

}  // namespace faxkit_test
