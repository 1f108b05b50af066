// Replays the client side of the real FreeSWITCH capture inbound-session.jsonl
// against fax::esl::InboundServer and compares every message the server sends
// with the one FreeSWITCH sent, byte for byte after normalisation.
//
// What the server cannot know is supplied the way fax-sim will supply it:
//  - api status / version answer with the captured texts, api db runs on a
//    real FsDb in a temporary SQLite file, anything else is unknown;
//  - the events of the two originated calls (CODEC, CHANNEL_*, …) come from
//    the application: each is decoded from the capture and handed to
//    broadcast() at the point where FreeSWITCH sent it;
//  - bgapi originate waits; where the capture shows its BACKGROUND_JOB the
//    test completes the job with the captured output, and the server builds
//    and sends the BACKGROUND_JOB itself.
//
// The normaliser (applied to both sides) makes the run-dependent values
// equal and leaves every other byte alone:
//  - every UUID (8-4-4-4-12 lower-case hex) becomes 00000000-0000-0000-0000-000000000000,
//    same length, so inner Content-Lengths stay right (Job-UUID, Core-UUID,
//    uuids in bodies such as "+OK <uuid>\n");
//  - the values of Core-UUID, FreeSWITCH-Hostname, -Switchname, -IPv4, -IPv6,
//    Event-Date-Local, -GMT, -Timestamp and Event-Sequence become "*", in
//    plain ("Name: value" lines) and in json ("Name":"value");
//  - the outer Content-Length is then recomputed from the normalised body.

#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/event.hpp"
#include "esl/event_data.hpp"
#include "esl/inbound_server.hpp"
#include "store/fs_db.hpp"
#include "support/capture.hpp"
#include "support/esl_server_harness.hpp"
#include "support/fake_peer.hpp"

namespace {

using namespace std::chrono_literals;
using fax::esl::Event;
using fax::esl::EventData;
using fax::esl::InboundServer;
using fax::esl::InboundServerConfig;
using faxkit_test::header_of;

constexpr std::string_view k_volatile[] = {"Core-UUID",        "FreeSWITCH-Hostname",  "FreeSWITCH-Switchname",
                                           "FreeSWITCH-IPv4",  "FreeSWITCH-IPv6",      "Event-Date-Local",
                                           "Event-Date-GMT",   "Event-Date-Timestamp", "Event-Sequence"};

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

void mask_uuids(std::string& s) {
    for (std::size_t i = 0; i + 36 <= s.size(); ++i) {
        bool uuid = true;
        for (std::size_t k = 0; k < 36 && uuid; ++k) {
            uuid = (k == 8 || k == 13 || k == 18 || k == 23) ? s[i + k] == '-' : is_hex(s[i + k]);
        }
        if (uuid) {
            s.replace(i, 36, "00000000-0000-0000-0000-000000000000");
            i += 35;
        }
    }
}

void mask_plain_values(std::string& body) {
    std::string out;
    std::size_t pos = 0;
    const std::size_t head_end = body.find("\n\n");  // never touch the inner body
    while (pos < body.size()) {
        auto nl = body.find('\n', pos);
        if (nl == std::string::npos) {
            nl = body.size();
        }
        std::string line = body.substr(pos, nl - pos);
        if (pos < head_end) {
            for (const auto name : k_volatile) {
                if (line.size() > name.size() + 1 && line.compare(0, name.size(), name) == 0 &&
                    line.compare(name.size(), 2, ": ") == 0) {
                    line = std::string(name) + ": *";
                }
            }
        }
        out += line;
        if (nl < body.size()) {
            out += '\n';
        }
        pos = nl + 1;
        if (head_end != std::string::npos && pos > head_end) {
            out += body.substr(pos);
            break;
        }
    }
    body = out;
}

void mask_json_values(std::string& body) {
    for (const auto name : k_volatile) {
        std::string key(1, '"');
        key.append(name).append("\":\"");
        for (auto p = body.find(key); p != std::string::npos; p = body.find(key, p + 1)) {
            const std::size_t v = p + key.size();
            std::size_t e = v;
            while (e < body.size() && body[e] != '"') {
                e += body[e] == '\\' ? 2 : 1;
            }
            body.replace(v, std::min(e, body.size()) - v, 1, '*');
        }
    }
}

std::string normalise(std::string msg) {
    mask_uuids(msg);
    const auto split = msg.find("\n\n");
    if (split == std::string::npos) {
        return msg;
    }
    std::string head = msg.substr(0, split);
    std::string body = msg.substr(split + 2);
    const std::string type = header_of(msg, "Content-Type");
    if (type == "text/event-plain") {
        mask_plain_values(body);
    } else if (type == "text/event-json") {
        mask_json_values(body);
    }
    const std::string cl = "Content-Length: ";
    if (const auto p = head.find(cl); p != std::string::npos) {
        const auto e = head.find('\n', p);
        head.replace(p + cl.size(), (e == std::string::npos ? head.size() : e) - p - cl.size(), std::to_string(body.size()));
    }
    return head + "\n\n" + body;
}

/// Splits a byte stream into ESL messages (header block + Content-Length body).
std::vector<std::string> frame(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        const auto end = s.find("\n\n");
        if (end == std::string_view::npos) {
            ADD_FAILURE() << "capture group ends inside a header block";
            break;
        }
        std::size_t len = end + 2;
        const std::string cl = header_of(std::string(s.substr(0, end + 2)), "Content-Length");
        if (!cl.empty()) {
            len += std::stoul(cl);
        }
        out.emplace_back(s.substr(0, len));
        s.remove_prefix(std::min(len, s.size()));
    }
    return out;
}

/// One command of the capture and the messages FreeSWITCH sent until the next.
struct Step {
    std::string send;
    std::vector<std::string> expect;
};

std::vector<Step> load_steps(const std::string& capture) {
    std::vector<Step> steps(1);  // the first: no command, the greeting
    std::string pending;
    for (const auto& c : faxkit_test::load_capture(capture)) {
        if (c.dir == "C->FS") {
            steps.back().expect = frame(pending);
            pending.clear();
            steps.push_back(Step{c.bytes, {}});
        } else {
            pending += c.bytes;
        }
    }
    steps.back().expect = frame(pending);
    return steps;
}

std::string body_of(const std::string& msg) { return msg.substr(msg.find("\n\n") + 2); }

Event parse_event(const std::string& msg) {
    Event e;
    const std::string type = header_of(msg, "Content-Type");
    auto r = type == "text/event-json" ? e.parse_json(body_of(msg)) : e.parse_plain(body_of(msg));
    EXPECT_TRUE(r.ok());
    return e;
}

TEST(InboundReplayTest, InboundSessionMatchesFreeSwitchByteForByte) {
    const auto steps = load_steps("inbound-session");
    ASSERT_GE(steps.size(), 14U);

    // Captured outputs of the commands whose text the server cannot know.
    std::map<std::string, std::string> api_text;
    for (const auto& st : steps) {
        if ((st.send == "api status\n\n" || st.send == "api version\n\n") && !st.expect.empty()) {
            api_text[st.send.substr(4, st.send.size() - 6)] = body_of(st.expect.front());
        }
    }
    ASSERT_EQ(api_text.size(), 2U);

    const auto dir = std::filesystem::temp_directory_path() /
                     ("faxkit-replay-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    std::filesystem::create_directories(dir);
    auto db = fax::store::FsDb::open((dir / "db.sqlite").string(), "vm");
    ASSERT_TRUE(db.ok());

    InboundServerConfig cfg;
    cfg.identity = {"3e3f60f3-68c9-41e2-9c5f-0e95c318960a", "vm", "vm", "192.0.2.2", "fd00::2"};
    faxkit_test::ServerHarness h(cfg);
    std::deque<InboundServer::ApiDone> jobs;
    h.server().on_api([&](const InboundServer::ApiCall& c, InboundServer::ApiDone done) {
        if (const auto it = api_text.find(c.command); it != api_text.end()) {
            done({it->second});
        } else if (c.command == "db") {
            auto r = db->api(c.args.value_or(""));
            done({r.ok() ? *r : "-ERR " + r.error().message + "\n"});
        } else if (c.command == "originate" && c.background) {
            jobs.push_back(std::move(done));
        } else {
            done({{}, false});
        }
    });

    std::size_t compared = 0;
    std::size_t injected = 0;
    std::size_t job_events = 0;
    h.run(
        [&] {
            auto p = faxkit_test::connect_to(h.port());
            ASSERT_TRUE(p);
            for (const auto& st : steps) {
                if (!st.send.empty()) {
                    p->send(st.send);
                }
                for (const auto& want : st.expect) {
                    const std::string type = header_of(want, "Content-Type");
                    if (type.rfind("text/event-", 0) == 0) {
                        const Event e = parse_event(want);
                        if (e.name() == "BACKGROUND_JOB") {
                            const std::string output(e.body());
                            h.on_loop([&] {
                                ASSERT_FALSE(jobs.empty());
                                auto done = std::move(jobs.front());
                                jobs.pop_front();
                                done({output});
                            });
                            ++job_events;
                        } else {
                            const EventData d = EventData::from(e);
                            h.on_loop([&] { h.server().broadcast(d); });
                            ++injected;
                        }
                    }
                    const auto got = p->read_message();
                    ASSERT_TRUE(got.has_value()) << "missing: " << want.substr(0, 200);
                    ASSERT_EQ(normalise(*got), normalise(want)) << "after sending: " << st.send;
                    ++compared;
                }
            }
            EXPECT_TRUE(p->wait_eof()) << "FreeSWITCH closed the socket after exit";
        },
        30000ms);
    std::filesystem::remove_all(dir);
    std::size_t total = 0;
    for (const auto& st : steps) {
        total += st.expect.size();
    }
    EXPECT_EQ(compared, total);
    EXPECT_EQ(total, 91U);     // auth/request, 14 replies, 73 call events, 2 BACKGROUND_JOBs, the goodbye
    EXPECT_EQ(injected, 73U);
    EXPECT_EQ(job_events, 2U);
}

TEST(InboundReplayTest, NormaliserKeepsEverythingElse) {
    const std::string a =
        "Content-Length: 106\nContent-Type: text/event-plain\n\nEvent-Name: X\nEvent-Sequence: 12\n"
        "Job-UUID: 66f72c50-93ae-49f0-82f8-c445d87b31d1\nOther: 1\nContent-Length: 9\n\nSeq: 1\nx\n";
    const std::string n = normalise(a);
    EXPECT_EQ(n, "Content-Length: 116\nContent-Type: text/event-plain\n\nEvent-Name: X\nEvent-Sequence: *\n"
                 "Job-UUID: 00000000-0000-0000-0000-000000000000\nOther: 1\nContent-Length: 9\n\nSeq: 1\nx\n");
    EXPECT_NE(normalise(a), normalise(std::string(a).replace(a.find("Other: 1"), 8, "Other: 2")));
    EXPECT_EQ(normalise(R"(X {"Event-Sequence":"483","A":"b"})"), R"(X {"Event-Sequence":"483","A":"b"})");
}

}  // namespace
