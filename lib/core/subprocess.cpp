#include "core/subprocess.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/unique_fd.hpp"

namespace fax::core {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_read_chunk = 64 * 1024;
/// Reads allowed after the child has ended: far more than a pipe holds, so
/// a grandchild that keeps writing cannot hold us.
constexpr int k_max_drain_reads = 32;

Error os_error(const char* what) { return make_error(Errc::os, fmt::format("{}: {}", what, std::strerror(errno))); }

/// A pipe with both ends close-on-exec and numbered >= 3; the read end is
/// non-blocking, the write end (the child's) is not.
struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Result<Pipe> make_pipe() {
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return os_error("cannot create pipe");
    }
    UniqueFd r(fds[0]);
    UniqueFd w(fds[1]);
    Pipe p{above_stdio(std::move(r)), above_stdio(std::move(w))};
    if (!p.read || !p.write) {
        return os_error("cannot move pipe above stdio");
    }
    const int flags = ::fcntl(p.read.get(), F_GETFL);
    if (flags < 0 || ::fcntl(p.read.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
        return os_error("cannot make pipe non-blocking");
    }
    return p;
}

/// Owns posix_spawn's file actions and attributes.
struct SpawnSetup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};
    SpawnSetup() {
        ::posix_spawn_file_actions_init(&actions);
        ::posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        ::posix_spawn_file_actions_destroy(&actions);
        ::posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    /// The child's stdio from \a in, \a out, \a err (all >= 3, so no dup2()
    /// overwrites another's source), working directory \a cwd (-1 = keep),
    /// every other descriptor closed, an empty signal mask, SIGPIPE and
    /// SIGXFSZ at their default action, a process group of its own.
    /// Returns 0 or an errno value.
    int prepare(int in, int out, int err, int cwd) {
        int rc = ::posix_spawn_file_actions_adddup2(&actions, in, 0);
        rc = rc != 0 ? rc : ::posix_spawn_file_actions_adddup2(&actions, out, 1);
        rc = rc != 0 ? rc : ::posix_spawn_file_actions_adddup2(&actions, err, 2);
        if (rc == 0 && cwd >= 0) {
            rc = ::posix_spawn_file_actions_addfchdir_np(&actions, cwd);
        }
        rc = rc != 0 ? rc : ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
        sigset_t empty_mask;
        sigset_t defaults;
        sigemptyset(&empty_mask);
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        sigaddset(&defaults, SIGXFSZ);
        rc = rc != 0 ? rc : ::posix_spawnattr_setsigmask(&attr, &empty_mask);
        rc = rc != 0 ? rc : ::posix_spawnattr_setsigdefault(&attr, &defaults);
        rc = rc != 0 ? rc : ::posix_spawnattr_setpgroup(&attr, 0);
        constexpr int flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP;
        return rc != 0 ? rc : ::posix_spawnattr_setflags(&attr, static_cast<short>(flags));
    }
};

/// Reads one of the child's pipes into a string, keeping at most `limit` bytes.
struct Sink {
    UniqueFd fd;
    std::string* text = nullptr;
    std::size_t limit = 0;
    bool* truncated = nullptr;

    /// One read(); false when nothing was there (EAGAIN) or the pipe is done.
    bool read_once(std::vector<char>& buf) {
        if (!fd) {
            return false;
        }
        ssize_t n = 0;
        do {
            n = ::read(fd.get(), buf.data(), buf.size());
        } while (n < 0 && errno == EINTR);
        if (n > 0) {
            const auto got = static_cast<std::size_t>(n);
            const std::size_t room = limit > text->size() ? limit - text->size() : 0;
            text->append(buf.data(), std::min(got, room));
            if (got > room) {
                *truncated = true;
            }
            return true;
        }
        if (n == 0 || errno != EAGAIN) {
            fd.reset();  // EOF, or an error that would repeat forever
        }
        return false;
    }

    /// After the child ended: what is still buffered, without waiting for EOF.
    void drain(std::vector<char>& buf) {
        for (int i = 0; i < k_max_drain_reads && read_once(buf); ++i) {
        }
        fd.reset();
    }
};

/// A descriptor that polls readable when \a pid ends, or -1 (kernel < 5.3).
/// Called through syscall(): glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.
int open_pidfd(pid_t pid) noexcept {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

/// Signals the child's process group (the child itself if that fails).
void signal_group(pid_t pid, int sig) noexcept {
    if (::kill(-pid, sig) != 0) {
        ::kill(pid, sig);
    }
}

/// Kills and reaps the child on an error path, so no zombie is left.
void abandon(pid_t pid) noexcept {
    signal_group(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

std::string signal_name(int sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : std::to_string(sig);
}

bool valid_env_name(const std::string& name) noexcept {
    return !name.empty() && name.find_first_of(std::string_view("=\0", 2)) == std::string::npos;
}

bool has_nul(const std::string& s) noexcept { return s.find('\0') != std::string::npos; }

/// The inherited environment with \a overrides applied, as "NAME=value" strings.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const std::string_view name = entry.substr(0, entry.find('='));
        const bool replaced = std::any_of(overrides.begin(), overrides.end(),
                                          [&](const auto& kv) { return kv.first == name; });
        if (!replaced) {
            env.emplace_back(entry);
        }
    }
    for (const auto& [name, value] : overrides) {
        // Later duplicates of one name win, as repeated setenv() would.
        const auto same = [&](const std::string& e) {
            return e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=';
        };
        env.erase(std::remove_if(env.begin(), env.end(), same), env.end());
        std::string entry = name;
        entry.push_back('=');
        entry.append(value);
        env.push_back(std::move(entry));
    }
    return env;
}

Error spawn_error(const std::string& program, bool searched, int err) {
    if (err == EAGAIN) {
        return make_error(Errc::temporary, fmt::format("cannot run {}: {}", program, std::strerror(err)));
    }
    if (err == ENOMEM) {
        return make_error(Errc::os, fmt::format("cannot run {}: {}", program, std::strerror(err)));
    }
    if (err == ENOENT && searched) {
        return make_error(Errc::unavailable, fmt::format("cannot run {}: not found in PATH", program));
    }
    return make_error(Errc::unavailable, fmt::format("cannot run {}: {}", program, std::strerror(err)));
}

int poll_timeout_ms(Clock::time_point now, std::optional<Clock::time_point> next) {
    if (!next) {
        return -1;
    }
    if (*next <= now) {
        return 0;
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - now).count();
    return static_cast<int>(std::min<decltype(ms)>(ms, 60'000));
}

/// Reads the child's output until it ends, enforcing the time limit, and
/// reaps it. Returns the wait status; on error the child is reaped (or, if it
/// is no longer ours, left alone).
Result<int> wait_for_child(pid_t pid, const std::string& program, const SubprocessOptions& options,
                           Sink (&sinks)[2], bool& timed_out) {
    const auto start = Clock::now();
    std::vector<char> buf(k_read_chunk);
    // Wakes poll() when the child ends; without it (old kernel) we look every 20 ms.
    const UniqueFd pidfd = above_stdio(UniqueFd(open_pidfd(pid)));
    std::optional<Clock::time_point> deadline;
    if (options.timeout.count() > 0) {
        deadline = start + options.timeout;
    }
    std::optional<Clock::time_point> kill_at;
    bool killed = false;
    int status = 0;
    for (;;) {
        pid_t w = 0;
        do {
            w = ::waitpid(pid, &status, WNOHANG);
        } while (w < 0 && errno == EINTR);
        if (w == pid) {
            break;
        }
        if (w < 0) {
            // ECHILD: someone else reaped it, or SIGCHLD is ignored. The pid may
            // already belong to another process, so it must not be signalled.
            const int err = errno;
            return make_error(Errc::os, fmt::format("cannot wait for {}: {}", program, std::strerror(err)));
        }
        const auto now = Clock::now();
        if (deadline && !timed_out && now >= *deadline) {
            signal_group(pid, SIGTERM);
            timed_out = true;
            kill_at = now + options.kill_grace;
        }
        if (kill_at && !killed && now >= *kill_at) {
            signal_group(pid, SIGKILL);
            killed = true;
        }
        std::optional<Clock::time_point> next;
        if (!timed_out) {
            next = deadline;
        } else if (!killed) {
            next = kill_at;
        }
        int wait_ms = poll_timeout_ms(now, next);
        if (!pidfd) {
            wait_ms = wait_ms < 0 ? 20 : std::min(wait_ms, 20);
        }
        pollfd fds[3];
        nfds_t n = 0;
        for (const auto& s : sinks) {
            if (s.fd) {
                fds[n++] = pollfd{s.fd.get(), POLLIN, 0};
            }
        }
        if (pidfd) {
            fds[n++] = pollfd{pidfd.get(), POLLIN, 0};
        }
        if (::poll(fds, n, wait_ms) < 0 && errno != EINTR) {
            const Error e = os_error("cannot poll the child's output");
            abandon(pid);
            return e;
        }
        for (auto& s : sinks) {
            s.read_once(buf);
        }
    }
    for (auto& s : sinks) {
        s.drain(buf);
    }
    return status;
}

}  // namespace

std::string SubprocessResult::describe() const {
    std::string end;
    if (signal != 0) {
        end = fmt::format("killed by signal {}", signal_name(signal));
    } else {
        end = fmt::format("exit status {}", exit_code);
    }
    if (timed_out) {
        return fmt::format("timed out ({})", end);
    }
    return end;
}

std::string first_line(std::string_view text) {
    constexpr std::string_view space = " \t\r\v\f";
    constexpr std::size_t k_max = 200;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        const std::size_t b = line.find_first_not_of(space);
        if (b == std::string_view::npos) {
            continue;
        }
        line = line.substr(b, line.find_last_not_of(space) - b + 1);
        if (line.size() <= k_max) {
            return std::string(line);
        }
        std::size_t cut = k_max;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0U) == 0x80U) {
            --cut;  // do not split a UTF-8 sequence
        }
        std::string out(line.substr(0, cut));
        out.append("...");
        return out;
    }
    return {};
}

Result<SubprocessResult> run_subprocess(const std::vector<std::string>& argv, const SubprocessOptions& options) {
    if (argv.empty() || argv.front().empty()) {
        return make_error(Errc::usage, "cannot run a program: empty command");
    }
    const std::string& program = argv.front();
    if (std::any_of(argv.begin(), argv.end(), has_nul)) {
        return make_error(Errc::usage, fmt::format("cannot run {}: NUL byte in an argument", first_line(program)));
    }
    for (const auto& [name, value] : options.env) {
        if (!valid_env_name(name) || has_nul(value)) {
            return make_error(Errc::usage, fmt::format("cannot run {}: bad environment variable {}", program,
                                                       first_line(name)));
        }
    }
    if (options.stderr_to == StderrTo::fd && options.stderr_fd < 0) {
        return make_error(Errc::usage, fmt::format("cannot run {}: no descriptor for stderr", program));
    }

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    std::vector<std::string> env = child_environment(options.env);
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    // Every descriptor the child's stdio comes from is >= 3, so the dup2()s
    // below never overwrite one another, even when our own 0-2 are closed.
    UniqueFd cwd_fd;
    if (!options.cwd.empty()) {
        cwd_fd = above_stdio(UniqueFd(::open(options.cwd.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)));
        if (!cwd_fd) {
            return make_error(Errc::no_input, fmt::format("cannot run {}: cannot enter {}: {}", program, options.cwd,
                                                          std::strerror(errno)));
        }
    }
    UniqueFd null_in = above_stdio(UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
    if (!null_in) {
        return os_error("cannot open /dev/null");
    }
    auto out_pipe = make_pipe();
    if (!out_pipe) {
        return std::move(out_pipe).error();
    }
    Pipe err_pipe;
    UniqueFd err_target;
    switch (options.stderr_to) {
        case StderrTo::capture: {
            auto p = make_pipe();
            if (!p) {
                return std::move(p).error();
            }
            err_pipe = std::move(*p);
            break;
        }
        case StderrTo::discard:
            err_target = above_stdio(UniqueFd(::open("/dev/null", O_WRONLY | O_CLOEXEC)));
            if (!err_target) {
                return os_error("cannot open /dev/null");
            }
            break;
        case StderrTo::fd:
            err_target = UniqueFd(::fcntl(options.stderr_fd, F_DUPFD_CLOEXEC, 3));
            if (!err_target) {
                return os_error("cannot duplicate the stderr descriptor");
            }
            break;
    }
    const int child_err = err_pipe.write ? err_pipe.write.get() : err_target.get();

    SpawnSetup setup;
    if (const int rc = setup.prepare(null_in.get(), out_pipe->write.get(), child_err, cwd_fd.get()); rc != 0) {
        errno = rc;
        return os_error("cannot prepare posix_spawn");
    }

    const bool search = program.find('/') == std::string::npos;
    pid_t pid = -1;
    const int rc = search ? ::posix_spawnp(&pid, program.c_str(), &setup.actions, &setup.attr, args.data(), envp.data())
                          : ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, args.data(), envp.data());
    if (rc != 0) {
        return spawn_error(program, search, rc);
    }
    out_pipe->write.reset();
    err_pipe.write.reset();
    err_target.reset();
    null_in.reset();
    cwd_fd.reset();

    SubprocessResult result;
    Sink sinks[2] = {
        {std::move(out_pipe->read), &result.out, options.stdout_limit, &result.out_truncated},
        {std::move(err_pipe.read), &result.err, options.stderr_limit, &result.err_truncated},
    };
    auto status = wait_for_child(pid, program, options, sinks, result.timed_out);
    if (!status) {
        return std::move(status).error();
    }
    if (WIFEXITED(*status)) {
        result.exit_code = WEXITSTATUS(*status);
    } else if (WIFSIGNALED(*status)) {
        result.signal = WTERMSIG(*status);
    }
    return result;
}

}  // namespace fax::core
