#include "tiff/test_document.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

namespace fax::tiff {

namespace {

constexpr std::uint32_t k_width = 1728;       // A4 at 8 px/mm (R8)
constexpr std::uint32_t k_fine_height = 2286;  // 297 mm at 7.7 lines/mm
constexpr std::uint32_t k_left = 112;          // ~14 mm margins
constexpr std::uint32_t k_right = k_width - 112;

/// splitmix64: a small deterministic generator, identical on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() noexcept {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [lo, hi].
    std::uint32_t range(std::uint32_t lo, std::uint32_t hi) noexcept {
        return lo + static_cast<std::uint32_t>(next() % (std::uint64_t{hi} - lo + 1));
    }

private:
    std::uint64_t m_state;
};

/// 3x5 digits and '/', one row of 3 bits per entry (MSB = left).
constexpr std::array<std::array<std::uint8_t, 5>, 11> k_digits = {{
    {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
    {1, 1, 2, 4, 4},  // '/'
}};

/// A 5x7 pseudo-alphabet: 40 fixed glyphs, 7 rows of 5 bits, never blank.
std::array<std::array<std::uint8_t, 7>, 40> make_glyphs() {
    std::array<std::array<std::uint8_t, 7>, 40> glyphs{};
    Rng rng(0x6661786B6974ULL);  // "faxkit": the same font for every seed
    for (auto& g : glyphs) {
        for (auto& r : g) {
            r = static_cast<std::uint8_t>(rng.next() & 0x1F);
        }
        g[0] = static_cast<std::uint8_t>(g[0] | 0x04);  // an ascender-ish stroke
        g[6] = static_cast<std::uint8_t>(g[6] | 0x11);  // serifs
    }
    return glyphs;
}

void fill_rect(PageBitmap& p, std::uint32_t x0, std::uint32_t y0, std::uint32_t w, std::uint32_t h) {
    const std::uint32_t x1 = std::min(p.width, x0 + w);
    const std::uint32_t y1 = std::min(p.height, y0 + h);
    for (std::uint32_t y = y0; y < y1; ++y) {
        for (std::uint32_t x = x0; x < x1; ++x) {
            p.set_black(x, y);
        }
    }
}

/// Draws \a text (digits and '/') with 3x5 cells scaled by \a scale; returns the x after it.
std::uint32_t draw_number(PageBitmap& p, std::uint32_t x, std::uint32_t y, std::string_view text, std::uint32_t scale) {
    for (char c : text) {
        const std::size_t idx = c == '/' ? 10 : static_cast<std::size_t>(c - '0');
        for (std::uint32_t r = 0; r < 5; ++r) {
            for (std::uint32_t col = 0; col < 3; ++col) {
                if ((k_digits[idx][r] >> (2 - col) & 1U) != 0) {
                    fill_rect(p, x + col * scale, y + r * scale, scale, scale);
                }
            }
        }
        x += 4 * scale;
    }
    return x;
}

/// One page in fine resolution.
PageBitmap render_fine_page(int page, int pages, std::uint32_t seed, int text_lines) {
    static const auto glyphs = make_glyphs();
    PageBitmap p = PageBitmap::blank(k_width, k_fine_height, 204.0, 196.0);
    Rng rng((std::uint64_t{seed} << 32) ^ static_cast<std::uint64_t>(page) * 0x2545F4914F6CDD1DULL);

    // Page number, large, then a rule.
    draw_number(p, k_left, 96, fmt::format("{}/{}", page, pages), 12);
    fill_rect(p, k_left, 190, k_right - k_left, 5);

    // Text: 10x21 px glyphs on a 12 px pitch, 40-row line pitch, paragraphs of 3..7 lines.
    const std::uint32_t text_top = 250;
    std::uint32_t y = text_top;
    int para_left = 0;
    for (int line = 0; line < text_lines && y + 21 < k_fine_height - 260; ++line) {
        bool first_in_para = false;
        if (para_left == 0) {
            para_left = static_cast<int>(rng.range(3, 7));
            first_in_para = true;
            if (line != 0) {
                y += 40;  // blank line between paragraphs
            }
        }
        --para_left;
        const std::uint32_t limit = para_left == 0 ? rng.range(k_left + 300, k_right) : k_right - rng.range(0, 90);
        std::uint32_t x = k_left + (first_in_para ? 48U : 0U);
        while (true) {
            const std::uint32_t letters = rng.range(2, 9);
            if (x + letters * 12 > limit) {
                break;
            }
            for (std::uint32_t l = 0; l < letters; ++l) {
                const auto& g = glyphs[rng.range(0, 39)];
                for (std::uint32_t r = 0; r < 7; ++r) {
                    for (std::uint32_t c = 0; c < 5; ++c) {
                        if ((g[r] >> (4 - c) & 1U) != 0) {
                            fill_rect(p, x + c * 2, y + r * 3, 2, 3);
                        }
                    }
                }
                x += 12;
            }
            x += 12;  // word gap
        }
        y += 40;
    }

    // Footer: a rule and a bar code of (seed, page): 32 + 16 bits, wide = 1.
    const std::uint32_t foot = k_fine_height - 200;
    fill_rect(p, k_left, foot, k_right - k_left, 3);
    const std::uint64_t code = (std::uint64_t{seed} << 16) | static_cast<std::uint64_t>(page & 0xFFFF);
    std::uint32_t bx = k_left;
    for (int bit = 47; bit >= 0; --bit) {
        const std::uint32_t w = (code >> bit & 1U) != 0 ? 9 : 4;
        fill_rect(p, bx, foot + 30, w, 40);
        bx += w + 6;
    }
    return p;
}

PageBitmap to_standard(const PageBitmap& fine) {
    PageBitmap p = PageBitmap::blank(fine.width, fine.height / 2, fine.x_dpi, 98.0);
    for (std::uint32_t y = 0; y < p.height; ++y) {
        auto src = fine.row(y * 2);
        std::copy(src.begin(), src.end(), p.row(y).begin());
    }
    return p;
}

}  // namespace

std::vector<PageBitmap> render_test_pages(const TestDocumentOptions& options) {
    const int pages = std::clamp(options.pages, 1, 999);
    const int lines = std::clamp(options.text_lines, 0, 50);
    std::vector<PageBitmap> out;
    out.reserve(static_cast<std::size_t>(pages));
    for (int i = 1; i <= pages; ++i) {
        PageBitmap fine = render_fine_page(i, pages, options.seed, lines);
        out.push_back(options.resolution == FaxResolution::fine ? std::move(fine) : to_standard(fine));
    }
    return out;
}

core::Result<void> write_test_document(const std::string& path, const TestDocumentOptions& options) {
    const auto pages = render_test_pages(options);
    WriteOptions w;
    w.compression = options.compression;
    w.software = options.software;
    w.description = fmt::format("faxkit test document, seed {}", options.seed);
    return write_pages(path, pages, w);
}

}  // namespace fax::tiff
