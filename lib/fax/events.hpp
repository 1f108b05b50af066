#pragma once
/// What a fax terminal reports while a fax runs: the T.30 phase B, D and E
/// events, with the fields mod_spandsp puts in its spandsp::*negociateresult,
/// *pageresult and *faxresult events (esl-protocol.md §5.3), measured by
/// spandsp (t30_get_transfer_statistics()).

#include <string>
#include <string_view>
#include <variant>

namespace fax::fax {

/// What a terminal does with the document.
enum class Role {
    send,     ///< txfax: transmits a TIFF
    receive,  ///< rxfax: receives into a TIFF
};

/// "tx" or "rx", as in the event names (spandsp::txfaxresult).
std::string_view role_tag(Role r) noexcept;

/// mod_spandsp's fax-t38-status.
enum class T38Status { off, negotiated, requested, refused };

/// "off", "negotiated", "requested", "refused".
std::string_view t38_status_name(T38Status s) noexcept;

/// A resolution in pixels per metre, printed "XxY" ("8031x7700").
struct Resolution {
    int x = 0;
    int y = 0;
    std::string text() const;
    friend bool operator==(const Resolution&, const Resolution&) = default;
};

/// An image size in pixels, printed "WxH" ("1728x2286").
struct PixelSize {
    int width = 0;
    int height = 0;
    std::string text() const;
    friend bool operator==(const PixelSize&, const PixelSize&) = default;
};

/// Phase B: spandsp::{tx,rx}faxnegociateresult. spandsp 0.0.6 calls it on the
/// sender when it has the receiver's DIS and chose its DCS (the rate is the one
/// it is about to try), on the receiver on each DCS it gets. So after a failed
/// training or a retrain the receiver reports again, with the lower rate.
struct Negotiation {
    Role role = Role::send;
    int transfer_rate = 0;  ///< fax-transfer-rate, bit/s
    bool ecm = false;       ///< fax-ecm-used
    T38Status t38_status = T38Status::off;
    std::string local_station_id;   ///< our TSI/CSI
    std::string remote_station_id;  ///< the far end's CSI/TSI
    std::string remote_country;     ///< from the far end's NSF, "" if unknown
    std::string remote_vendor;
    std::string remote_model;
    int total_pages = 0;  ///< fax-document-total-pages (tx only): 0, the file is not open yet (as in FreeSWITCH)
};

/// One page done (phase D): spandsp::{tx,rx}faxpageresult.
struct PageResult {
    Role role = Role::send;
    int pages_transferred = 0;  ///< fax-document-transferred-pages: pages done so far
    int total_pages = 0;        ///< fax-document-total-pages (tx only)
    Resolution image_resolution;       ///< of the page on the line
    Resolution file_image_resolution;  ///< of the page in the TIFF (tx: as the file says)
    int image_size = 0;  ///< fax-image-size: compressed bytes of the page on the line
    PixelSize image_pixel_size;
    PixelSize file_image_pixel_size;
    int bad_rows = 0;
    int longest_bad_row_run = 0;
    int encoding = 0;           ///< fax-encoding: spandsp's T4_COMPRESSION_* number
    std::string encoding_name;  ///< fax-encoding-name: "T.4 2-D", "T.6", …
};

/// The end (phase E): spandsp::{tx,rx}faxresult.
struct FaxResult {
    Role role = Role::send;
    bool success = false;       ///< fax-success: result_code == 0
    int result_code = 0;        ///< fax-result-code: T.30 completion code (T30_ERR_*)
    std::string result_text;    ///< fax-result-text: t30_completion_code_to_str()
    int pages_transferred = 0;  ///< fax-document-transferred-pages
    int total_pages = 0;        ///< fax-document-total-pages: spandsp's pages_in_file (rx: pages in the file)
    Resolution image_resolution;
    int image_size = 0;  ///< of the last page (ECM receiver: 0; sender: may be the next page's, after a drop)
    int bad_rows = 0;    ///< of the last page
    int transfer_rate = 0;
    bool ecm = false;
    T38Status t38_status = T38Status::off;
    std::string local_station_id;
    std::string remote_station_id;
    std::string remote_country;
    std::string remote_vendor;
    std::string remote_model;
};

using FaxEvent = std::variant<Negotiation, PageResult, FaxResult>;

/// The mod_spandsp subclass of \a e: "spandsp::txfaxnegociateresult", …
std::string event_subclass(const FaxEvent& e);

}  // namespace fax::fax
