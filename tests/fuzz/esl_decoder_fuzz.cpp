// libFuzzer target: the ESL decoder, event parser and record formatter.
// Invariants checked on every input:
//  - decoding the bytes in one piece or split at fuzzer-chosen points gives
//    the same messages (or the same failure);
//  - every esl.event record produced is valid UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/utf8.hpp"
#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/event_record.hpp"

namespace {

struct Decoded {
    std::vector<std::string> messages;  // head + '\0' + body (or "<nobody>")
    bool failed = false;
};

fax::esl::DecoderLimits small_limits() {
    fax::esl::DecoderLimits l;
    l.max_header_bytes = 1 << 16;
    l.max_body_bytes = 1 << 16;
    return l;
}

Decoded decode(const std::uint8_t* data, std::size_t size, const std::vector<std::size_t>& cuts, bool format) {
    Decoded out;
    fax::esl::Decoder dec(small_limits());
    fax::esl::Message msg;
    fax::esl::Event ev;
    fax::esl::EventRecordFormatter fmt;
    std::string record;
    std::size_t pos = 0;
    auto drain = [&] {
        while (true) {
            auto r = dec.next(msg);
            if (!r) {
                out.failed = true;
                return false;
            }
            if (!*r) {
                return true;
            }
            std::string s(msg.head_text());
            s.push_back('\0');
            s.append(msg.has_body() ? std::string(msg.body()) : std::string("<nobody>"));
            out.messages.push_back(std::move(s));
            if (format && ev.parse(msg)) {
                record.clear();
                fmt.append(record, ev, 0);
                if (!fax::core::is_valid_utf8(record)) {
                    std::abort();
                }
            }
        }
    };
    for (const std::size_t cut : cuts) {
        if (cut <= pos || cut > size) {
            continue;
        }
        dec.feed(std::string_view(reinterpret_cast<const char*>(data) + pos, cut - pos));
        pos = cut;
        if (!drain()) {
            return out;
        }
    }
    dec.feed(std::string_view(reinterpret_cast<const char*>(data) + pos, size - pos));
    drain();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    fax::esl::Event::enable_json();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Decoded whole = decode(data, size, {}, true);
    // Split points derived from the data itself: every position after a byte
    // whose low 3 bits are zero, which also cuts inside "\n\n" and bodies.
    std::vector<std::size_t> cuts;
    for (std::size_t i = 0; i < size; ++i) {
        if ((data[i] & 7U) == 0) {
            cuts.push_back(i + 1);
        }
    }
    const Decoded split = decode(data, size, cuts, false);
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i <= size && i < 4096; ++i) {
        bytes.push_back(i);
    }
    const Decoded single = size < 4096 ? decode(data, size, bytes, false) : whole;
    if (whole.failed != split.failed || whole.messages != split.messages) {
        std::abort();
    }
    if (whole.failed != single.failed || whole.messages != single.messages) {
        std::abort();
    }
    return 0;
}
