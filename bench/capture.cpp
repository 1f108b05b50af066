#include "capture.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

namespace fax::bench {

namespace {

std::string base64_decode(const std::string& in) {
    static const std::string k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned val = 0;
    int bits = -8;
    for (const char c : in) {
        const auto p = k.find(c);
        if (p == std::string::npos) {
            continue;
        }
        val = (val << 6) + static_cast<unsigned>(p);
        bits += 6;
        if (bits >= 0) {
            out.push_back(static_cast<char>((val >> bits) & 0xFF));
            bits -= 8;
        }
    }
    return out;
}

}  // namespace

std::string load_capture_stream(const std::string& jsonl_path) {
    std::ifstream in(jsonl_path);
    std::string line;
    std::string out;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || j.value("dir", "") != "FS->C") {
            continue;
        }
        out += base64_decode(j.value("b64", ""));
    }
    return out;
}

}  // namespace fax::bench
