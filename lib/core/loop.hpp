#pragma once
/// The event loop every long-running faxkit tool runs on. Boost.Asio stays
/// behind this interface (see core/loop_asio.hpp, for lib/ .cpp files only),
/// so tools and most of lib/ compile without it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace fax::core {

/// Single-threaded event loop. All callbacks run on the thread in run().
class Loop {
public:
    using TimerId = std::uint64_t;

    Loop();
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    /// Runs until stop() is called or no work is left.
    void run();
    /// Makes run() return soon; pending handlers are dropped.
    void stop();
    /// Runs \a fn on the loop thread, after the current handler. The only
    /// member that may be called from another thread.
    void post(std::function<void()> fn);
    /// Keeps run() from returning for lack of work while the token lives
    /// (e.g. while another thread works for the loop).
    std::shared_ptr<void> hold();
    /// Runs \a fn once after \a delay; the id can cancel it.
    TimerId after(std::chrono::milliseconds delay, std::function<void()> fn);
    /// Cancels a timer; a no-op when it already ran or was cancelled.
    void cancel(TimerId id);
    /// Calls \a fn(signo) for each of \a signals (e.g. SIGINT, SIGTERM) until the loop ends.
    void on_signals(const std::vector<int>& signals, std::function<void(int)> fn);
    /// Reads \a fd (a pipe, tty or file) asynchronously, calling
    /// \a fn(bytes, eof) for each chunk; after eof (or a read error) reading stops.
    void read_fd(int fd, std::function<void(std::string_view bytes, bool eof)> fn);

    struct Impl;
    Impl& impl() noexcept { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fax::core
