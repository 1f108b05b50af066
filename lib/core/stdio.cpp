#include "core/stdio.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace fax::core {

void ensure_standard_fds() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1) {
            continue;
        }
        const int n = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (n >= 0 && n != fd) {
            ::dup2(n, fd);
            ::close(n);
        }
    }
}

}  // namespace fax::core
