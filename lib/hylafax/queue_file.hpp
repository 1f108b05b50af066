#pragma once
/// A HylaFAX job description (the qfile in sendq/ and doneq/): `key:value`
/// lines that faxq writes and the SendFaxCmd (fax-send) updates. The order of
/// lines and every line this code does not know are kept, so a rewrite
/// changes only what was set (hylafax-integration.md §2).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fax::hylafax {

/// One document item: `<op>:<dirnum>:<addr>:<path>`, e.g. `fax:0::docq/doc2.tif;c0`.
struct DocumentItem {
    std::string op;         ///< "fax", "tiff", "pdf", "postscript", "poll", … without '!'
    bool converted = false; ///< written as "!op": a source already converted (keep)
    int dirnum = 0;         ///< first TIFF directory (page) still to send
    std::string addr;
    std::string path;       ///< relative to the spool, verbatim
};

/// The operations that name documents (HylaFAX's FaxRequest item names).
bool is_document_op(std::string_view op) noexcept;

class QueueFile {
public:
    struct Line {
        std::string key;
        std::string value;  ///< leading blanks stripped; continuation lines joined with '\n'
    };

    /// Parses qfile text. A line without ':' is skipped (faxq logs it) and
    /// counted in skipped_lines(). A `\` at the end of a value continues it on
    /// the next line, as faxq reads `status:`.
    static QueueFile parse(std::string_view text);

    const std::vector<Line>& lines() const noexcept { return m_lines; }
    std::size_t skipped_lines() const noexcept { return m_skipped; }

    /// The value of the first line with \a key.
    std::optional<std::string_view> get(std::string_view key) const noexcept;
    /// get() as a number; \a fallback when absent or not a whole number.
    long long get_int(std::string_view key, long long fallback = 0) const noexcept;
    /// Sets the first line with \a key in place, or appends one. Line breaks in
    /// \a value are written as continuation lines.
    void set(std::string_view key, std::string_view value);
    void set_int(std::string_view key, long long value);

    /// Every document item, in order.
    std::vector<DocumentItem> documents() const;
    /// Removes the document line equal to \a item's text (e.g. a `fax:`
    /// item fully sent, so a retry does not send it again).
    bool remove_document(const DocumentItem& item);
    /// Replaces the document line equal to \a item's text by \a with, in place.
    bool replace_document(const DocumentItem& item, const DocumentItem& with);

    /// The fields faxq requires (number, mailaddr, sender, jobid, modem,
    /// client, owner); Errc::data naming the first one missing.
    core::Result<void> validate() const;

    /// The text, one `key:value` line each, in order.
    std::string serialize() const;

private:
    std::vector<Line> m_lines;
    std::size_t m_skipped = 0;
};

/// Formats a document item back to its qfile text (`!fax:0::path`).
std::string format_document(const DocumentItem& item);

/// A qfile opened and locked with flock(LOCK_EX) (as faxq and faxsend do)
/// until destroyed; rewrite() replaces its contents in place (seek 0, write,
/// ftruncate, fsync), so faxq's file and its inode stay the same.
class LockedQueueFile {
public:
    /// Opens \a path read-write and waits for the lock. Errc::no_input when
    /// missing, Errc::io on other failures.
    static core::Result<LockedQueueFile> open(const std::string& path);

    LockedQueueFile(LockedQueueFile&& other) noexcept;
    LockedQueueFile& operator=(LockedQueueFile&& other) noexcept;
    LockedQueueFile(const LockedQueueFile&) = delete;
    LockedQueueFile& operator=(const LockedQueueFile&) = delete;
    ~LockedQueueFile();

    QueueFile& file() noexcept { return m_file; }
    const std::string& path() const noexcept { return m_path; }
    /// Writes file() back in place and fsyncs it.
    core::Result<void> rewrite();

private:
    LockedQueueFile(int fd, std::string path, QueueFile file);
    int m_fd = -1;
    std::string m_path;
    QueueFile m_file;
};

}  // namespace fax::hylafax
