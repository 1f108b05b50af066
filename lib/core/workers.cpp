#include "core/workers.hpp"

namespace fax::core {

Workers::Workers(Loop& loop, unsigned threads) : m_loop(loop) {
    for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i) {
        m_threads.emplace_back([this] { run(); });
    }
}

Workers::~Workers() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

void Workers::submit(std::function<void()> work, std::function<void()> done) {
    ++m_pending;
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back({std::move(work), std::move(done), m_loop.hold()});
    }
    m_cv.notify_one();
}

void Workers::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) {
                return;
            }
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        if (job.work) {
            job.work();
        }
        auto hold = std::move(job.hold);
        m_loop.post([this, done = std::move(job.done), hold = std::move(hold)]() mutable {
            --m_pending;
            if (done) {
                done();
            }
            hold.reset();
        });
    }
}

}  // namespace fax::core
