// Supplies std::ios_base_library_init() (mangled _ZSt21ios_base_library_initv, GLIBCXX_3.4.32, GCC 13's libstdc++)
// to a library built against GCC 13+ that runs on an older libstdc++ (Debian 12: up to GLIBCXX_3.4.30).
// GCC 13's <iostream> no longer puts a static std::ios_base::Init in every translation unit; it references this
// function instead, and the newer libstdc++ initializes cout/cin itself. On the older libstdc++ this shim does it: the
// static Init object below (what <iostream> used to provide) constructs the standard streams when the shim is loaded.
#include <ios>

namespace std
{
    void ios_base_library_init() {}
}

static std::ios_base::Init shim_ios_base_init;
