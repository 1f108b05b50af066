#pragma once
/// Bench helpers: load the FreeSWITCH->client byte stream of a capture file
/// (tests/fixtures/esl/*.jsonl, base64 chunks) into one string.

#include <string>

namespace fax::bench {

/// The concatenated FS->C bytes of \a jsonl_path; empty on error.
std::string load_capture_stream(const std::string& jsonl_path);

}  // namespace fax::bench
