/* Linked into the static binary only (cmake/StaticBuild.cmake). libdw's debuginfod client
 * (elfutils 0.188, libdwfl/debuginfod-client.c) dlopens libdebuginfod.so.1 the first time a
 * module's ELF is not found locally. A statically linked glibc program that dlopens loads a
 * second, shared libc of whatever version the host has; so here every dlopen fails, and libdw
 * carries on without debuginfod, as it does on a host without libdebuginfod. libtraceevent's
 * plugin loader is linked too (event-parse.o needs its free_tep_plugin_paths), but ftnettrace
 * never calls tep_load_plugins: no plugin is needed, static or not. */
#include <stddef.h>

void* dlopen(const char* file, int mode);
void* dlsym(void* handle, const char* name);
int dlclose(void* handle);
char* dlerror(void);

void* dlopen(const char* file, int mode) {
    (void)file;
    (void)mode;
    return NULL;
}

void* dlsym(void* handle, const char* name) {
    (void)handle;
    (void)name;
    return NULL;
}

int dlclose(void* handle) {
    (void)handle;
    return 0;
}

char* dlerror(void) {
    static char reason[] = "the static ftnettrace loads no shared objects";
    return reason;
}
