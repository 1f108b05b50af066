// Load driver for the whole-process figure of `fax-esl events`: a loopback
// ESL server that authenticates one client, waits for its `event` command,
// then streams N fax-call events in the format the client asked for and says
// goodbye. The events are real ones from the t30-sip capture (CHANNEL_STATE,
// CHANNEL_CALLSTATE, CODEC: 57–62 headers), each extended with the 13 headers
// of a spandsp::txfaxresult, so ~70 headers and ~2.4 KB per event.
// Usage: esl_stream_server PORTFILE N
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capture.hpp"
#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/url.hpp"
#include "jsonl/escape.hpp"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::vector<Headers> load_events() {
    const std::string data = fax::bench::load_capture_stream(std::string(FAXKIT_FIXTURES_DIR) + "/esl/fax-events-plain-t30-sip.jsonl");
    fax::esl::Decoder dec;
    dec.feed(data);
    fax::esl::Message msg;
    fax::esl::Event ev;
    std::vector<Headers> base;
    Headers fax;
    while (true) {
        auto r = dec.next(msg);
        if (!r || !*r) {
            break;
        }
        if (!ev.parse(msg)) {
            continue;
        }
        const std::string_view name = ev.name();
        if (ev.subclass() == "spandsp::txfaxresult") {
            for (const auto& h : ev.headers()) {
                if (h.name.rfind("fax-", 0) == 0) {
                    fax.emplace_back(std::string(h.name), std::string(h.value));
                }
            }
        }
        const std::size_t n = ev.headers().size();
        if ((name == "CHANNEL_STATE" || name == "CHANNEL_CALLSTATE" || name == "CODEC") && n >= 57 && n <= 62) {
            Headers hs;
            for (const auto& h : ev.headers()) {
                hs.emplace_back(std::string(h.name), std::string(h.value));
            }
            base.push_back(std::move(hs));
        }
    }
    for (auto& hs : base) {
        hs.insert(hs.end(), fax.begin(), fax.end());
    }
    return base;
}

std::string render(const Headers& hs, bool json, std::uint64_t seq) {
    std::string body;
    if (json) {
        body.push_back('{');
        bool first = true;
        for (const auto& [k, v] : hs) {
            if (!first) {
                body.push_back(',');
            }
            first = false;
            fax::jsonl::append_json_string(body, k);
            body.push_back(':');
            fax::jsonl::append_json_string(body, k == "Event-Sequence" ? std::to_string(seq) : v);
        }
        body.push_back('}');
    } else {
        for (const auto& [k, v] : hs) {
            body += k;
            body += ": ";
            if (k == "Event-Sequence") {
                body += std::to_string(seq);
            } else if (v.empty()) {
                body += "_undef_";
            } else {
                fax::esl::url_encode_append(body, v);
            }
            body.push_back('\n');
        }
        body.push_back('\n');
    }
    return fmt::format("Content-Length: {}\nContent-Type: text/event-{}\n\n", body.size(), json ? "json" : "plain") + body;
}

bool read_command(int fd, std::string& buf, std::string& cmd) {
    char tmp[4096];
    while (true) {
        const auto pos = buf.find("\n\n");
        if (pos != std::string::npos) {
            cmd = buf.substr(0, pos);
            buf.erase(0, pos + 2);
            return true;
        }
        const ssize_t n = ::read(fd, tmp, sizeof tmp);
        if (n <= 0) {
            return false;
        }
        buf.append(tmp, static_cast<std::size_t>(n));
    }
}

bool write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) {
            return false;
        }
        off += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: esl_stream_server PORTFILE N\n");
        return 64;
    }
    const long total = std::atol(argv[2]);
    const auto events = load_events();
    if (events.empty()) {
        std::fprintf(stderr, "esl_stream_server: no events in the capture\n");
        return 65;
    }
    int ls = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(ls, 4) != 0) {
        std::perror("esl_stream_server: bind");
        return 69;
    }
    socklen_t len = sizeof addr;
    ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &len);
    {
        std::ofstream(std::string(argv[1]) + ".tmp") << ntohs(addr.sin_port) << "\n";
        std::rename((std::string(argv[1]) + ".tmp").c_str(), argv[1]);
    }
    const int fd = ::accept(ls, nullptr, nullptr);
    std::string buf;
    std::string cmd;
    write_all(fd, "Content-Type: auth/request\n\n");
    if (!read_command(fd, buf, cmd)) {
        return 74;
    }
    write_all(fd, "Content-Type: command/reply\nReply-Text: +OK accepted\n\n");
    bool json = false;
    while (read_command(fd, buf, cmd)) {
        if (cmd.rfind("event", 0) == 0) {
            json = cmd.find(" json") != std::string::npos;
            write_all(fd, fmt::format("Content-Type: command/reply\nReply-Text: +OK event listener enabled {}\n\n",
                                      json ? "json" : "plain"));
            break;
        }
        write_all(fd, "Content-Type: command/reply\nReply-Text: +OK\n\n");
    }
    // Pre-render a batch of 1000 events, then send it repeatedly.
    std::string batch;
    std::size_t bytes = 0;
    std::size_t headers = 0;
    const long per_batch = 1000;
    for (long i = 0; i < per_batch; ++i) {
        const auto& hs = events[static_cast<std::size_t>(i) % events.size()];
        batch += render(hs, json, static_cast<std::uint64_t>(i + 1));
        headers += hs.size();
    }
    bytes = batch.size();
    long sent = 0;
    while (sent + per_batch <= total) {
        if (!write_all(fd, batch)) {
            return 74;
        }
        sent += per_batch;
    }
    write_all(fd, "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
                  "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
    ::shutdown(fd, SHUT_WR);
    char tmp[256];
    while (::read(fd, tmp, sizeof tmp) > 0) {
    }
    ::close(fd);
    std::fprintf(stderr, "esl_stream_server: sent %ld %s events, %.0f bytes and %.1f headers each\n", sent,
                 json ? "json" : "plain", static_cast<double>(bytes) / per_batch, static_cast<double>(headers) / per_batch);
    return 0;
}
