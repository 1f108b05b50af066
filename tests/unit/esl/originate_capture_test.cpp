// Every `originate` the captured clients sent to a real FreeSWITCH 1.10 is
// parsed, and the variables fax::esl says the channel gets are the ones the
// captured events of that call carry (variable_<name>).

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/originate.hpp"
#include "support/capture.hpp"

namespace {

// The arguments of the originate commands in the client's stream.
std::vector<std::string> originate_args(const std::string& client_stream) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < client_stream.size()) {
        const auto eol = client_stream.find('\n', pos);
        const std::string line = client_stream.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
        pos = eol == std::string::npos ? client_stream.size() : eol + 1;
        for (const std::string prefix : {"bgapi originate ", "api originate "}) {
            if (line.rfind(prefix, 0) == 0) {
                out.push_back(line.substr(prefix.size()));
            }
        }
    }
    return out;
}

// All values of header \a name over the events of \a server_stream.
std::vector<std::string> header_values(const std::string& server_stream, const std::string& name) {
    fax::esl::Decoder dec;
    dec.feed(server_stream);
    fax::esl::Message m;
    std::vector<std::string> out;
    while (true) {
        auto r = dec.next(m);
        if (!r || !*r) {
            break;
        }
        if (m.content_type().rfind("text/event-", 0) != 0) {
            continue;
        }
        fax::esl::Event ev;
        if (!ev.parse(m)) {
            continue;
        }
        if (const auto v = ev.header(name)) {
            out.emplace_back(*v);
        }
    }
    return out;
}

TEST(OriginateCaptures, ChannelVariablesAreThoseFreeSwitchSet) {
    int originates = 0;
    int checked = 0;
    for (const auto& name : faxkit_test::capture_names()) {
        const auto capture = faxkit_test::load_capture(name);
        const std::string server = faxkit_test::stream_of(capture, "FS->C");
        for (const auto& arg : originate_args(faxkit_test::stream_of(capture, "C->FS"))) {
            ++originates;
            auto r = fax::esl::parse_originate(arg);
            ASSERT_TRUE(r.ok()) << name << ": " << arg << ": " << r.error().message;
            ASSERT_FALSE(r->dial.groups.empty());
            ASSERT_FALSE(r->dial.groups[0].legs.empty());
            const auto vars = fax::esl::channel_variables(r->dial, r->dial.groups[0].legs[0]);
            for (const auto& v : vars.items()) {
                const auto seen = header_values(server, "variable_" + v.name);
                ASSERT_FALSE(seen.empty()) << name << ": no event carries variable_" << v.name;
                EXPECT_NE(std::find(seen.begin(), seen.end(), v.value), seen.end())
                    << name << ": variable_" << v.name << " is never " << v.value;
                ++checked;
            }
        }
    }
    EXPECT_GE(originates, 7);
    EXPECT_GE(checked, 15);
}

}  // namespace
