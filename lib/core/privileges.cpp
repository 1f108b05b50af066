#include "core/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fax::core {

Result<bool> become_owner_of(const std::string& path) {
    if (::geteuid() != 0) {
        return false;
    }
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        return make_error(Errc::os, fmt::format("cannot stat {}: {}", path, std::strerror(errno)));
    }
    if (st.st_uid == 0) {
        return false;
    }
    auto fail = [&](const char* what) {
        return make_error(Errc::os, fmt::format("cannot become uid {} (owner of {}): {}: {}", st.st_uid, path, what,
                                                std::strerror(errno)));
    };
    const passwd* pw = ::getpwuid(st.st_uid);
    const gid_t gid = pw != nullptr ? pw->pw_gid : st.st_gid;
    if (pw != nullptr ? ::initgroups(pw->pw_name, gid) != 0 : ::setgroups(1, &gid) != 0) {
        return fail("supplementary groups");
    }
    if (::setgid(gid) != 0) {
        return fail("setgid");
    }
    if (::setuid(st.st_uid) != 0) {
        return fail("setuid");
    }
    if (::setuid(0) == 0) {
        return make_error(Errc::os, "root privileges could not be dropped");
    }
    return true;
}

}  // namespace fax::core
