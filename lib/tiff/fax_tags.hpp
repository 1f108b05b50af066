#pragma once
/// Tags a received fax the way HylaFAX's faxgetty does, so that `faxinfo`,
/// `faxstat -r` and faxrcvd show sender, pages, quality, signalling rate, data
/// format, error correction, receive time and date (hylafax-integration.md §4).
///
/// mod_spandsp's rxfax writes a TIFF-F with spandsp's own notion of some tags
/// (Software "Spandsp …", DateTime "YYYY/MM/DD …", Make/Model = the sender's
/// vendor, PageNumber n/1 until the end, no FaxRecvParams). tag_received_fax()
/// rewrites every page with the tags faxgetty writes; the image data is
/// copied as stored (raw CCITT strips), so the bitmaps do not change.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/version.hpp"

namespace fax::tiff {

/// What faxgetty knows about a reception. Empty strings mean "not known".
/// Text is written as printable ASCII: other bytes (newlines included)
/// become '?', so a hostile TSI cannot add lines to ImageDescription.
struct ReceivedFaxInfo {
    /// The remote TSI: the first line of ImageDescription (faxinfo "Sender:",
    /// faxstat -r "Sender/TSI"). Empty: the first line of the file's own
    /// ImageDescription is kept (spandsp writes the far ident there).
    std::string sender_tsi;
    /// Caller-ID values, each one more line of ImageDescription after the
    /// TSI; faxinfo 6.0.7 prints them as "CallID1:", "CallID2:", …
    /// (faxrcvd's order: number, name, then extra fields such as the
    /// destination). Empty: no extra lines.
    std::vector<std::string> call_id;
    /// FaxRecvParams (34908): hylafax::encode() of the session parameters,
    /// from which faxinfo prints Quality, SignalRate, DataFormat, ErrCorrect.
    /// 0: not written.
    std::uint32_t recv_params = 0;
    /// FaxRecvTime (34910) of page i (seconds to receive it); faxinfo's
    /// TimeToRecv is the sum over the pages.
    std::vector<std::uint32_t> page_seconds;
    /// The whole reception's seconds: what page_seconds leaves unaccounted is
    /// split evenly over the pages it does not cover (the sum stays exact).
    /// Pages covered by neither keep the file's own FaxRecvTime (spandsp's).
    std::optional<std::uint32_t> receive_seconds;
    /// DateTime, written as local time "YYYY:MM:DD HH:MM:SS" (faxinfo
    /// "Received:"). 0: the file's modification time.
    std::int64_t received_unix = 0;
    std::string software = std::string("faxkit ").append(core::k_version);
    /// Make and Model: HylaFAX's receiving "modem". They always replace the
    /// file's (spandsp puts the sender's vendor there); empty: no tag.
    std::string make = "FreeSWITCH";
    std::string model = "mod_spandsp";
    /// FaxSubAddress (34909). Empty: the file's own value is kept.
    std::string subaddress;
    /// FaxDcs (34911): the DCS frame's information octets in hex, T.30 bit 1
    /// as the top bit of the first octet, separated by single spaces
    /// ("00 47 0F 22"), as spandsp and faxgetty write it. faxinfo prefers
    /// it to FaxRecvParams for Quality, DataFormat and ErrCorrect (not for
    /// SignalRate). Empty: the file's own value is kept if well formed.
    std::string dcs;
    /// CleanFaxData for pages that carry none (spandsp writes it only for
    /// G3 output): true = clean, false = regenerated (spandsp repairs bad
    /// rows by repeating the previous row). nullopt: left absent. Pages
    /// with their own CleanFaxData / BadFaxLines keep them.
    std::optional<bool> clean;
};

/// Rewrites the TIFF at \a path with \a info on every page: ImageDescription,
/// Software, Make, Model, DateTime, PageNumber (n, total; n 0-based),
/// FaxRecvParams, FaxRecvTime, FaxSubAddress, FaxDcs, CleanFaxData as
/// ReceivedFaxInfo describes; HostComputer, resolution, the coding tags and
/// the strips are copied (pages not coded CCITT G3/G4 are re-coded as G4).
/// Returns the number of pages in the tagged file.
///
/// A partial reception is tagged as far as it is readable: pages from the
/// first unreadable one (bad directory, strips beyond the end of the file,
/// not bilevel) on are dropped, and total counts the pages kept.
///
/// The new file is written under a temporary name in the same directory,
/// given the original's permission bits (and owner and group when the process
/// may set them), fsynced, and renamed over \a path; the directory is then
/// fsynced (best effort). So \a path is either untouched or the whole tagged
/// file. It is a new inode: a lock held on the old file does not carry over.
/// Errors: Errc::usage (\a info.dcs malformed), Errc::no_input (cannot
/// open), Errc::data (\a path is a symbolic link or not a regular file, not
/// a TIFF, no readable page, more than 65535 pages), Errc::io (writing,
/// syncing, renaming).
core::Result<int> tag_received_fax(const std::string& path, const ReceivedFaxInfo& info);

}  // namespace fax::tiff
