// Google Benchmark: ESL decode + event parse + esl.event JSON emit over the
// real FreeSWITCH captures (plain and json), fed in 64 KiB reads as the
// client does.
#include <benchmark/benchmark.h>

#include <string>

#include "capture.hpp"
#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/event_record.hpp"

namespace {

const std::string& stream(const char* name) {
    static std::string plain = fax::bench::load_capture_stream(std::string(FAXKIT_FIXTURES_DIR) + "/esl/fax-events-plain-t30-sip.jsonl");
    static std::string json = fax::bench::load_capture_stream(std::string(FAXKIT_FIXTURES_DIR) + "/esl/fax-events-json-t30-sip.jsonl");
    return std::string(name) == "plain" ? plain : json;
}

void run(benchmark::State& state, const char* which, bool emit) {
    fax::esl::Event::enable_json();
    const std::string& data = stream(which);
    fax::esl::Message msg;
    fax::esl::Event ev;
    fax::esl::EventRecordFormatter fmt;
    std::string out;
    std::int64_t events = 0;
    for (auto _ : state) {
        fax::esl::Decoder dec;
        for (std::size_t off = 0; off < data.size(); off += 65536) {
            dec.feed(std::string_view(data).substr(off, 65536));
            while (true) {
                auto r = dec.next(msg);
                if (!r || !*r) {
                    break;
                }
                if (msg.content_type().rfind("text/event-", 0) == 0 && ev.parse(msg)) {
                    ++events;
                    if (emit) {
                        out.clear();
                        fmt.append(out, ev, 1700000000000);
                        benchmark::DoNotOptimize(out.data());
                    }
                }
            }
        }
    }
    state.SetItemsProcessed(events);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(data.size()));
}

void BM_DecodeParse_Plain(benchmark::State& s) { run(s, "plain", false); }
void BM_DecodeParse_Json(benchmark::State& s) { run(s, "json", false); }
void BM_DecodeParseEmit_Plain(benchmark::State& s) { run(s, "plain", true); }
void BM_DecodeParseEmit_Json(benchmark::State& s) { run(s, "json", true); }

}  // namespace

BENCHMARK(BM_DecodeParse_Plain);
BENCHMARK(BM_DecodeParse_Json);
BENCHMARK(BM_DecodeParseEmit_Plain);
BENCHMARK(BM_DecodeParseEmit_Json);
BENCHMARK_MAIN();
