#pragma once
/// A few threads for blocking work (fsync, file tagging, child programs) on
/// behalf of an event loop: the work runs on a worker thread, its completion
/// on the loop thread. The loop keeps running while work is pending.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/loop.hpp"

namespace fax::core {

class Workers {
public:
    /// Starts \a threads worker threads (at least 1) serving \a loop.
    Workers(Loop& loop, unsigned threads);
    /// Finishes every queued job, then joins the threads.
    ~Workers();
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;

    /// Runs \a work on a worker thread, then \a done on the loop thread.
    /// Jobs start in submission order. Call from the loop thread.
    void submit(std::function<void()> work, std::function<void()> done = {});
    /// Jobs submitted and not yet done (loop thread).
    std::size_t pending() const noexcept { return m_pending; }

private:
    struct Job {
        std::function<void()> work;
        std::function<void()> done;
        std::shared_ptr<void> hold;
    };
    void run();
    Loop& m_loop;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job> m_queue;
    bool m_stopping = false;
    std::size_t m_pending = 0;
    std::vector<std::thread> m_threads;
};

}  // namespace fax::core
