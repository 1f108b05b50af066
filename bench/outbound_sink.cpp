// Load driver peer: an outbound-socket server on lib/esl/outbound_server (what
// fax-recv will run) that answers every call and receives its fax into DIR.
// Usage: outbound_sink PORTFILE DIR   (runs until SIGTERM; prints a summary)
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/loop.hpp"
#include "esl/outbound_server.hpp"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: outbound_sink PORTFILE DIR\n");
        return 64;
    }
    const std::string dir = argv[2];
    std::filesystem::create_directories(dir);
    fax::core::Loop loop;
    long sessions = 0;
    long ok = 0;
    fax::esl::OutboundConfig oc;
    oc.port = 0;
    fax::esl::OutboundServer server(loop, oc, [&](std::shared_ptr<fax::esl::OutboundSession> s) {
        ++sessions;
        const std::string rx = dir + "/" + std::string(s->uuid()) + ".tif";
        s->on_event([&](const fax::esl::Event& e) {
            if (e.subclass() == "spandsp::rxfaxresult" && e.get("fax-success") == "1") {
                ++ok;
            }
        });
        s->subscribe_call_events({"spandsp::rxfaxresult"}, [s, rx](fax::core::Result<fax::esl::Reply> r) {
            if (!r) {
                return;
            }
            s->execute("answer", "", [](auto) {});
            s->execute("rxfax", rx, [rx](auto) { std::filesystem::remove(rx); });
        });
    });
    if (!server.listen()) {
        return 69;
    }
    {
        std::ofstream(std::string(argv[1]) + ".tmp") << server.port() << "\n";
        std::filesystem::rename(std::string(argv[1]) + ".tmp", argv[1]);
    }
    loop.on_signals({SIGINT, SIGTERM}, [&](int) { loop.stop(); });
    loop.run();
    std::fprintf(stderr, "outbound_sink: %ld sessions, %ld faxes received\n", sessions, ok);
    return 0;
}
