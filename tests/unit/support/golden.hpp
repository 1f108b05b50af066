#pragma once
// The BACKGROUND_JOB golden vector of esl-protocol.md §3.1, byte-exact, and
// the same event in the json (§3.5) and xml (§3.6) formats.

#include <string>
#include <utility>
#include <vector>

namespace faxkit_test {

/// The serialized event (the outer body): 768 bytes, inner body 41 bytes.
inline const std::string k_golden_plain_body =
    "Event-Name: BACKGROUND_JOB\n"
    "Core-UUID: 2fd7e5d4-4d36-4a8e-9a3e-5a3c2c5e0a11\n"
    "FreeSWITCH-Hostname: fs1\n"
    "FreeSWITCH-Switchname: fs1\n"
    "FreeSWITCH-IPv4: 127.0.0.1\n"
    "FreeSWITCH-IPv6: %3A%3A1\n"
    "Event-Date-Local: 2024-05-02%2010%3A15%3A30\n"
    "Event-Date-GMT: Thu,%2002%20May%202024%2008%3A15%3A30%20GMT\n"
    "Event-Date-Timestamp: 1714637730123456\n"
    "Event-Calling-File: mod_event_socket.c\n"
    "Event-Calling-Function: api_exec\n"
    "Event-Calling-Line-Number: 1580\n"
    "Event-Sequence: 4711\n"
    "Job-UUID: c0ffee00-0000-4000-8000-000000000001\n"
    "Job-Owner-UUID: _undef_\n"
    "Job-Command: originate\n"
    "Job-Command-Arg: %7Borigination_uuid%3D9d7c1e2a-1111-4222-8333-444455556666,ignore_early_media%3Dtrue%7D"
    "sofia/gateway/gw1/4930123456%20%26txfax(/var/spool/fax/a.tif)\n"
    "Content-Length: 41\n"
    "\n"
    "+OK 9d7c1e2a-1111-4222-8333-444455556666\n";

/// As delivered on the wire.
inline const std::string k_golden_plain_message =
    "Content-Length: 768\nContent-Type: text/event-plain\n\n" + k_golden_plain_body;

inline const std::string k_golden_body = "+OK 9d7c1e2a-1111-4222-8333-444455556666\n";

/// The decoded headers, in order.
inline const std::vector<std::pair<std::string, std::string>> k_golden_headers = {
    {"Event-Name", "BACKGROUND_JOB"},
    {"Core-UUID", "2fd7e5d4-4d36-4a8e-9a3e-5a3c2c5e0a11"},
    {"FreeSWITCH-Hostname", "fs1"},
    {"FreeSWITCH-Switchname", "fs1"},
    {"FreeSWITCH-IPv4", "127.0.0.1"},
    {"FreeSWITCH-IPv6", "::1"},
    {"Event-Date-Local", "2024-05-02 10:15:30"},
    {"Event-Date-GMT", "Thu, 02 May 2024 08:15:30 GMT"},
    {"Event-Date-Timestamp", "1714637730123456"},
    {"Event-Calling-File", "mod_event_socket.c"},
    {"Event-Calling-Function", "api_exec"},
    {"Event-Calling-Line-Number", "1580"},
    {"Event-Sequence", "4711"},
    {"Job-UUID", "c0ffee00-0000-4000-8000-000000000001"},
    {"Job-Owner-UUID", ""},
    {"Job-Command", "originate"},
    {"Job-Command-Arg",
     "{origination_uuid=9d7c1e2a-1111-4222-8333-444455556666,ignore_early_media=true}"
     "sofia/gateway/gw1/4930123456 &txfax(/var/spool/fax/a.tif)"},
};

/// §3.5: cJSON_PrintUnformatted, string values, Content-Length + _body last.
inline const std::string k_golden_json_body =
    R"J({"Event-Name":"BACKGROUND_JOB","Core-UUID":"2fd7e5d4-4d36-4a8e-9a3e-5a3c2c5e0a11",)J"
    R"J("FreeSWITCH-Hostname":"fs1","FreeSWITCH-Switchname":"fs1","FreeSWITCH-IPv4":"127.0.0.1",)J"
    R"J("FreeSWITCH-IPv6":"::1","Event-Date-Local":"2024-05-02 10:15:30",)J"
    R"J("Event-Date-GMT":"Thu, 02 May 2024 08:15:30 GMT","Event-Date-Timestamp":"1714637730123456",)J"
    R"J("Event-Calling-File":"mod_event_socket.c","Event-Calling-Function":"api_exec",)J"
    R"J("Event-Calling-Line-Number":"1580","Event-Sequence":"4711",)J"
    R"J("Job-UUID":"c0ffee00-0000-4000-8000-000000000001","Job-Owner-UUID":"","Job-Command":"originate",)J"
    R"J("Job-Command-Arg":"{origination_uuid=9d7c1e2a-1111-4222-8333-444455556666,ignore_early_media=true})J"
    R"J(sofia/gateway/gw1/4930123456 &txfax(/var/spool/fax/a.tif)","Content-Length":"41",)J"
    R"J("_body":"+OK 9d7c1e2a-1111-4222-8333-444455556666\n"})J";

/// §3.6: values URL-encoded and XML-escaped, empty value = empty element.
inline const std::string k_golden_xml_body =
    "<event>\n"
    "  <headers>\n"
    "    <Event-Name>BACKGROUND_JOB</Event-Name>\n"
    "    <Core-UUID>2fd7e5d4-4d36-4a8e-9a3e-5a3c2c5e0a11</Core-UUID>\n"
    "    <FreeSWITCH-Hostname>fs1</FreeSWITCH-Hostname>\n"
    "    <FreeSWITCH-Switchname>fs1</FreeSWITCH-Switchname>\n"
    "    <FreeSWITCH-IPv4>127.0.0.1</FreeSWITCH-IPv4>\n"
    "    <FreeSWITCH-IPv6>%3A%3A1</FreeSWITCH-IPv6>\n"
    "    <Event-Date-Local>2024-05-02%2010%3A15%3A30</Event-Date-Local>\n"
    "    <Event-Date-GMT>Thu,%2002%20May%202024%2008%3A15%3A30%20GMT</Event-Date-GMT>\n"
    "    <Event-Date-Timestamp>1714637730123456</Event-Date-Timestamp>\n"
    "    <Event-Calling-File>mod_event_socket.c</Event-Calling-File>\n"
    "    <Event-Calling-Function>api_exec</Event-Calling-Function>\n"
    "    <Event-Calling-Line-Number>1580</Event-Calling-Line-Number>\n"
    "    <Event-Sequence>4711</Event-Sequence>\n"
    "    <Job-UUID>c0ffee00-0000-4000-8000-000000000001</Job-UUID>\n"
    "    <Job-Owner-UUID></Job-Owner-UUID>\n"
    "    <Job-Command>originate</Job-Command>\n"
    "    <Job-Command-Arg>%7Borigination_uuid%3D9d7c1e2a-1111-4222-8333-444455556666,ignore_early_media%3Dtrue%7D"
    "sofia/gateway/gw1/4930123456%20%26txfax(/var/spool/fax/a.tif)</Job-Command-Arg>\n"
    "  </headers>\n"
    "  <Content-Length>41</Content-Length>\n"
    "  <body>+OK 9d7c1e2a-1111-4222-8333-444455556666\n</body>\n"
    "</event>";

/// Wraps \a body as an outer message of \a content_type.
inline std::string wrap_event(const std::string& content_type, const std::string& body) {
    return "Content-Length: " + std::to_string(body.size()) + "\nContent-Type: " + content_type + "\n\n" + body;
}

}  // namespace faxkit_test
